#pragma once
// The toy-mode canvas: a heat map of log p with contours and score arrows, the straight segment and
// the geodesic, and handles the user drags: A and B, and for the IVP tool a start point and the tip
// of its velocity. Dragging emits handleMoved on every mouse move and handleDragFinished once.
#include <array>

#include <qcustomplot.h>

#include "field_view/landscape.h"

namespace widgets {

enum class Handle { A, B, IvpStart, IvpVelocity, None };

// A polyline drawn over the landscape, under the handles (sampled paths, posterior means, ODE trajectories).
struct Trace {
    QVector<QPointF> points;
    QPen pen;
};

class FieldView : public QCustomPlot {
    Q_OBJECT
public:
    explicit FieldView(QWidget* parent = nullptr);

    void setLandscape(const Landscape& landscape);
    void setEndpoints(QPointF a, QPointF b);
    void setGeodesic(const QVector<QPointF>& path);
    void setIvpVisible(bool visible);
    void setIvp(QPointF start, QPointF velocity);  // velocity in field units; the handle sits at start + velocity
    void setIvpPath(const QVector<QPointF>& path);
    void setTraces(const QVector<Trace>& traces);  // replaces the previous ones
    void setStraightVisible(bool visible);

    QPointF handlePosition(Handle h) const;
    void setHandlePosition(Handle h, QPointF p);  // as a drag would, without emitting handleMoved
    QPointF pixelOf(QPointF fieldPoint) const;  // for tests and tools that drive the view
    QVector<QPointF> geodesic() const { return geodesic_; }

Q_SIGNALS:
    void handleMoved(widgets::Handle which, QPointF position);
    void handleDragFinished(widgets::Handle which, QPointF from, QPointF to);

protected:
    void mousePressEvent(QMouseEvent* event) override;
    void mouseMoveEvent(QMouseEvent* event) override;
    void mouseReleaseEvent(QMouseEvent* event) override;
    void resizeEvent(QResizeEvent* event) override;

private:
    Handle handleAt(QPointF pixel) const;
    QPointF toField(QPointF pixel) const;
    void refreshOverlay();
    void fitView();

    QCPColorMap* heat_ = nullptr;
    QCPCurve* contours_ = nullptr;
    QVector<QCPItemLine*> arrows_;
    QVector<QCPCurve*> traces_;
    QCPCurve *straight_ = nullptr, *geodesicCurve_ = nullptr, *ivpCurve_ = nullptr;
    QCPItemLine* velocityArrow_ = nullptr;
    QCPGraph *endpointMarks_ = nullptr, *ivpMarks_ = nullptr;
    QCPItemText *labelA_ = nullptr, *labelB_ = nullptr;

    QPointF a_, b_, ivpStart_, ivpVelocity_;
    QVector<QPointF> geodesic_;
    bool ivpVisible_ = false;
    Handle dragging_ = Handle::None;
    QPointF dragOrigin_;
    QRectF box_;
    bool equalScales_ = true;
    bool replotted_ = false;
    bool overlayQueued_ = false;
};

}  // namespace widgets
