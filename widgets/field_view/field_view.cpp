#include "field_view/field_view.h"

#include "presentation/viridis.h"

namespace widgets {

namespace {
constexpr double kGrabRadius = 14;  // pixels
const QColor kGeodesicColour(235, 60, 60), kIvpColour(255, 170, 30);

void setCurve(QCPCurve* c, const QVector<QPointF>& pts) {
    QVector<double> t(pts.size()), x(pts.size()), y(pts.size());
    for (int i = 0; i < pts.size(); ++i) {
        t[i] = i;
        x[i] = pts[i].x();
        y[i] = pts[i].y();
    }
    c->setData(t, x, y, true);
}
}  // namespace

FieldView::FieldView(QWidget* parent) : QCustomPlot(parent) {
    setMinimumSize(420, 360);
    addLayer("paths", layer("main"), QCustomPlot::limAbove);
    addLayer("traces", layer("main"), QCustomPlot::limAbove);  // under the paths, drawn with the heat map
    layer("paths")->setMode(QCPLayer::lmBuffered);  // paths and handles replot without the heat map
    connect(this, &QCustomPlot::afterReplot, this, [this] { replotted_ = true; });
    xAxis->setLabel("x");
    yAxis->setLabel("y");
    axisRect()->setupFullAxesBox(true);

    heat_ = new QCPColorMap(xAxis, yAxis);
    heat_->setGradient(viridisGradient());
    heat_->setInterpolate(true);
    heat_->setLayer("main");
    contours_ = new QCPCurve(xAxis, yAxis);
    contours_->setPen(QPen(QColor(255, 255, 255, 170), 1));
    contours_->setLayer("main");

    straight_ = new QCPCurve(xAxis, yAxis);
    straight_->setPen(QPen(Qt::white, 2, Qt::DashLine));
    geodesicCurve_ = new QCPCurve(xAxis, yAxis);
    geodesicCurve_->setPen(QPen(kGeodesicColour, 3));
    ivpCurve_ = new QCPCurve(xAxis, yAxis);
    ivpCurve_->setPen(QPen(kIvpColour, 3));
    velocityArrow_ = new QCPItemLine(this);
    velocityArrow_->setPen(QPen(kIvpColour, 2));
    velocityArrow_->setHead(QCPLineEnding::esSpikeArrow);
    endpointMarks_ = new QCPGraph(xAxis, yAxis);
    endpointMarks_->setLineStyle(QCPGraph::lsNone);
    endpointMarks_->setScatterStyle(QCPScatterStyle(QCPScatterStyle::ssCircle, QPen(Qt::white, 2), QBrush(QColor(30, 30, 30)), 13));
    ivpMarks_ = new QCPGraph(xAxis, yAxis);
    ivpMarks_->setLineStyle(QCPGraph::lsNone);
    ivpMarks_->setScatterStyle(QCPScatterStyle(QCPScatterStyle::ssDiamond, QPen(Qt::white, 2), QBrush(kIvpColour), 14));
    labelA_ = new QCPItemText(this);
    labelB_ = new QCPItemText(this);
    for (QCPItemText* l : {labelA_, labelB_}) {
        l->setFont(QFont(font().family(), 11, QFont::Bold));
        l->setColor(QColor(20, 20, 20));
        l->setBrush(QColor(255, 255, 255, 210));
        l->setPadding(QMargins(3, 1, 3, 1));
        l->setPositionAlignment(Qt::AlignLeft | Qt::AlignBottom);
        l->position->setType(QCPItemPosition::ptPlotCoords);
    }
    labelA_->setText("A");
    labelB_->setText("B");
    for (QCPLayerable* l : std::initializer_list<QCPLayerable*>{straight_, geodesicCurve_, ivpCurve_, velocityArrow_,
                                                               endpointMarks_, ivpMarks_, labelA_, labelB_})
        l->setLayer("paths");
    setIvpVisible(false);
}

void FieldView::setLandscape(const Landscape& l) {
    box_ = l.box;
    equalScales_ = l.equalScales;
    xAxis->setLabel(l.xLabel);
    yAxis->setLabel(l.yLabel);
    heat_->data()->setSize(l.nx, l.ny);
    heat_->data()->setRange(QCPRange(l.box.left(), l.box.right()), QCPRange(l.box.top(), l.box.bottom()));
    for (int j = 0; j < l.ny; ++j)
        for (int i = 0; i < l.nx; ++i) heat_->data()->setCell(i, j, l.logDensity[j * l.nx + i]);
    heat_->setDataRange(QCPRange(l.low, l.high));

    // All contour segments in one curve, separated by NaN points (gaps).
    QVector<QPointF> pts;
    pts.reserve(l.contours.size() * 3);
    const double nan = std::numeric_limits<double>::quiet_NaN();
    for (const QLineF& s : l.contours) pts << s.p1() << s.p2() << QPointF(nan, nan);
    setCurve(contours_, pts);

    for (QCPItemLine* a : arrows_) removeItem(a);
    arrows_.clear();
    for (int i = 0; i < l.arrowOrigins.size(); ++i) {
        auto* a = new QCPItemLine(this);
        a->setLayer("main");
        a->setPen(QPen(QColor(255, 255, 255, 200), 1));
        a->setHead(QCPLineEnding(QCPLineEnding::esSpikeArrow, 6, 6));
        a->start->setCoords(l.arrowOrigins[i]);
        a->end->setCoords(l.arrowOrigins[i] + l.arrowVectors[i]);
        arrows_ << a;
    }
    fitView();
    replot(QCustomPlot::rpQueuedReplot);
}

void FieldView::fitView() {
    if (!box_.isValid()) return;
    // Equal scales on both axes, so that angles and arc lengths look as they are; the box fits inside.
    if (!equalScales_) {
        xAxis->setRange(box_.left(), box_.right());
        yAxis->setRange(box_.top(), box_.bottom());
        return;
    }
    const QRect area = axisRect()->rect();
    const double w = std::max(area.width(), 1), h = std::max(area.height(), 1);
    const double unitsPerPixel = std::max(box_.width() / w, box_.height() / h);
    const QPointF c = box_.center();
    xAxis->setRange(c.x() - unitsPerPixel * w / 2, c.x() + unitsPerPixel * w / 2);
    yAxis->setRange(c.y() - unitsPerPixel * h / 2, c.y() + unitsPerPixel * h / 2);
}

void FieldView::resizeEvent(QResizeEvent* event) {
    QCustomPlot::resizeEvent(event);
    fitView();
    replot(QCustomPlot::rpQueuedReplot);
}

void FieldView::setEndpoints(QPointF a, QPointF b) {
    a_ = a;
    b_ = b;
    refreshOverlay();
}

void FieldView::setGeodesic(const QVector<QPointF>& path) {
    geodesic_ = path;
    setCurve(geodesicCurve_, path);
    refreshOverlay();
}

void FieldView::setIvpVisible(bool visible) {
    ivpVisible_ = visible;
    for (QCPLayerable* l : std::initializer_list<QCPLayerable*>{ivpCurve_, velocityArrow_, ivpMarks_}) l->setVisible(visible);
    refreshOverlay();
}

void FieldView::setIvp(QPointF start, QPointF velocity) {
    ivpStart_ = start;
    ivpVelocity_ = velocity;
    refreshOverlay();
}

void FieldView::setIvpPath(const QVector<QPointF>& path) {
    setCurve(ivpCurve_, path);
    refreshOverlay();
}

void FieldView::setTraces(const QVector<Trace>& traces) {
    while (traces_.size() > traces.size()) removePlottable(traces_.takeLast());
    while (traces_.size() < traces.size()) {
        auto* c = new QCPCurve(xAxis, yAxis);
        c->setLayer("traces");
        traces_ << c;
    }
    for (int i = 0; i < traces.size(); ++i) {
        traces_[i]->setPen(traces[i].pen);
        setCurve(traces_[i], traces[i].points);
    }
    replot(QCustomPlot::rpQueuedReplot);  // the traces share the heat map's buffer
}

void FieldView::setStraightVisible(bool visible) {
    straight_->setVisible(visible);
    refreshOverlay();
}

QPointF FieldView::handlePosition(Handle h) const {
    switch (h) {
        case Handle::A: return a_;
        case Handle::B: return b_;
        case Handle::IvpStart: return ivpStart_;
        case Handle::IvpVelocity: return ivpStart_ + ivpVelocity_;
        default: return {};
    }
}

QPointF FieldView::pixelOf(QPointF p) const { return {xAxis->coordToPixel(p.x()), yAxis->coordToPixel(p.y())}; }

QPointF FieldView::toField(QPointF pixel) const {
    QPointF p(xAxis->pixelToCoord(pixel.x()), yAxis->pixelToCoord(pixel.y()));
    if (box_.isValid()) {
        p.setX(std::clamp(p.x(), box_.left(), box_.right()));
        p.setY(std::clamp(p.y(), box_.top(), box_.bottom()));
    }
    return p;
}

Handle FieldView::handleAt(QPointF pixel) const {
    Handle best = Handle::None;
    double bestDistance = kGrabRadius;
    for (Handle h : {Handle::IvpVelocity, Handle::IvpStart, Handle::A, Handle::B}) {
        if (!ivpVisible_ && (h == Handle::IvpStart || h == Handle::IvpVelocity)) continue;
        const double d = QLineF(pixelOf(handlePosition(h)), pixel).length();
        if (d < bestDistance) {
            best = h;
            bestDistance = d;
        }
    }
    return best;
}

void FieldView::setHandlePosition(Handle h, QPointF p) {
    switch (h) {
        case Handle::A: a_ = p; break;
        case Handle::B: b_ = p; break;
        case Handle::IvpStart: ivpStart_ = p; break;
        case Handle::IvpVelocity: ivpVelocity_ = p - ivpStart_; break;
        default: return;
    }
    refreshOverlay();
}

void FieldView::mousePressEvent(QMouseEvent* event) {
    if (event->button() != Qt::LeftButton) return QCustomPlot::mousePressEvent(event);
    dragging_ = handleAt(event->position());
    if (dragging_ == Handle::None && ivpVisible_ && axisRect()->rect().contains(event->position().toPoint())) {
        // In the IVP tool a click on empty ground places the start point there and drags it.
        dragging_ = Handle::IvpStart;
        dragOrigin_ = ivpStart_;
        setHandlePosition(Handle::IvpStart, toField(event->position()));
        Q_EMIT handleMoved(Handle::IvpStart, ivpStart_);
        return;
    }
    if (dragging_ == Handle::None) return QCustomPlot::mousePressEvent(event);
    dragOrigin_ = handlePosition(dragging_);
}

void FieldView::mouseMoveEvent(QMouseEvent* event) {
    if (dragging_ == Handle::None) {
        setCursor(handleAt(event->position()) == Handle::None ? Qt::ArrowCursor : Qt::OpenHandCursor);
        return QCustomPlot::mouseMoveEvent(event);
    }
    setHandlePosition(dragging_, toField(event->position()));
    Q_EMIT handleMoved(dragging_, handlePosition(dragging_));
}

void FieldView::mouseReleaseEvent(QMouseEvent* event) {
    if (dragging_ == Handle::None || event->button() != Qt::LeftButton) return QCustomPlot::mouseReleaseEvent(event);
    const Handle h = dragging_;
    dragging_ = Handle::None;
    const QPointF to = handlePosition(h);
    if (to != dragOrigin_) Q_EMIT handleDragFinished(h, dragOrigin_, to);
}

void FieldView::refreshOverlay() {
    setCurve(straight_, {a_, b_});
    endpointMarks_->setData({a_.x(), b_.x()}, {a_.y(), b_.y()}, true);
    // Labels sit above-right of their handle, or below it near the top edge so they stay in view.
    auto labelAt = [this](QPointF p) {
        const double up = p.y() > box_.bottom() - 0.08 * box_.height() ? -0.07 : 0.02;
        return p + QPointF(0.04 * box_.width(), up * box_.height());
    };
    labelA_->position->setCoords(labelAt(a_));
    labelB_->position->setCoords(labelAt(b_));
    if (ivpVisible_) {
        const QPointF tip = ivpStart_ + ivpVelocity_;
        velocityArrow_->start->setCoords(ivpStart_);
        velocityArrow_->end->setCoords(tip);
        ivpMarks_->setData({ivpStart_.x(), tip.x()}, {ivpStart_.y(), tip.y()}, true);
    }
    // One replot per pass of the event loop, however many setters ran in it.
    if (overlayQueued_) return;
    overlayQueued_ = true;
    QMetaObject::invokeMethod(this, [this] {
        overlayQueued_ = false;
        if (replotted_) layer("paths")->replot();  // a layer has its own buffer only after a full replot
        else replot(QCustomPlot::rpQueuedReplot);
    }, Qt::QueuedConnection);
}

}  // namespace widgets
