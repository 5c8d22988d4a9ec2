#include "toy_mode.h"

#include "off_gui_thread.h"

#include <QApplication>
#include <QComboBox>
#include <QFileDialog>
#include <QFileInfo>
#include <QLabel>
#include <QAction>
#include <QMessageBox>
#include <QSaveFile>
#include <QSpinBox>
#include <QSplitter>
#include <QStackedWidget>
#include <QStatusBar>
#include <QToolBar>
#include <QVBoxLayout>

#include "common/atomic_file.h"
#include "common/errors.h"
#include "presentation/number_text.h"
#include "curve/polyline.h"
#include "density_plot/density_plot.h"
#include "line_plot/line_plot.h"
#include "toy/toy_export.h"
#include "thread_handoff.h"
#include "toy_bridge.h"

using widgets::Handle;

namespace {

constexpr int kMinDrawIntervalMs = 25;  // draws are coalesced to at most 40 per second
// The IVP tool shoots for this long at the arrow's speed, so the arrow is a quarter of the traced
// length and its handle stays in view while the path reaches across it.
constexpr double kIvpTime = 4;

// Moving a handle from one place to another; the first redo happens during the drag itself.
class MoveHandle : public QUndoCommand {
public:
    MoveHandle(std::function<void(Handle, QPointF)> apply, Handle h, QPointF from, QPointF to)
        : QUndoCommand(QObject::tr("Move %1").arg(name(h))), apply_(std::move(apply)), h_(h), from_(from), to_(to) {}
    void undo() override { apply_(h_, from_); }
    void redo() override {
        if (first_) first_ = false;
        else apply_(h_, to_);
    }

private:
    static QString name(Handle h) {
        switch (h) {
            case Handle::A: return "A";
            case Handle::B: return "B";
            case Handle::IvpStart: return "IVP start";
            default: return "IVP velocity";
        }
    }
    std::function<void(Handle, QPointF)> apply_;
    Handle h_;
    QPointF from_, to_;
    bool first_ = true;
};

QString pointText(QPointF p) { return QString("%1, %2").arg(p.x(), 0, 'f', 3).arg(p.y(), 0, 'f', 3); }

}  // namespace

ToyMode::ToyMode(QWidget* parent) : Mode(parent) {
    worker_ = new ToySolverWorker(this);
    connect(worker_, &ToySolverWorker::resultReady, this, &ToyMode::onResult);  // emitted on this thread (sendHome)
    startWorkerThread(thread_, worker_);
    drawTimer_.setSingleShot(true);
    connect(&drawTimer_, &QTimer::timeout, this, &ToyMode::draw);
    sinceDraw_.start();
    buildUi();
    loadPreset("figure1");
}

ToyMode::~ToyMode() { stopWorkerThread(thread_); }

void ToyMode::buildUi() {
    status_ = new QStatusBar;
    status_->setSizeGripEnabled(false);
    view_ = new widgets::FieldView;
    plot_ = new widgets::DensityPlot;
    info_ = new QLabel;
    info_->setTextFormat(Qt::RichText);
    info_->setAlignment(Qt::AlignTop | Qt::AlignLeft);
    info_->setTextInteractionFlags(Qt::TextSelectableByMouse);
    info_->setMinimumHeight(130);

    linePlot_ = new widgets::LinePlot;
    sidePlots_ = new QStackedWidget;
    sidePlots_->addWidget(plot_);
    sidePlots_->addWidget(linePlot_);
    spacetime_ = new SpacetimeMode(view_, linePlot_, info_, status_);
    auto* side = new QWidget;
    auto* layout = new QVBoxLayout(side);
    layout->addWidget(sidePlots_, 3);
    layout->addWidget(info_, 1);
    auto* split = new QSplitter;
    split->addWidget(view_);
    split->addWidget(side);
    split->setStretchFactor(0, 3);
    split->setStretchFactor(1, 2);
    split->setSizes({720, 540});
    canvas_ = split;

    connect(view_, &widgets::FieldView::handleMoved, this, [this] {
        if (metric() == Metric::Spacetime) spacetime_->requestSolve(true);
        else requestSolve();
    });
    connect(view_, &widgets::FieldView::handleDragFinished, this, [this](Handle h, QPointF from, QPointF to) {
        undo_.push(new MoveHandle([this](Handle hh, QPointF p) { setHandle(hh, p); }, h, from, to));
        if (metric() == Metric::Spacetime) spacetime_->requestSolve(false);
    });
    metric_ = new QComboBox;
    metric_->addItems({"density metric", "spacetime metric", "Euclidean metric"});
    metric_->setToolTip("Density: |v|/p(x). Spacetime: Fisher–Rao distance between denoising posteriors p(x₀|x_t). "
                        "Euclidean: the straight segment.");
    connect(metric_, &QComboBox::activated, this, [this](int i) { setMetric(Metric(i)); });

    presets_ = new QComboBox;
    for (const auto& n : geo::presetNames()) presets_->addItem(QString::fromStdString(n));
    presets_->setToolTip("Toy density");
    connect(presets_, &QComboBox::activated, this, [this](int i) { loadPreset(presets_->itemText(i)); });
    points_ = new QSpinBox;
    points_->setRange(8, 2048);
    points_->setValue(128);
    points_->setPrefix("points: ");
    points_->setToolTip("Points on the discretised geodesic");
    connect(points_, &QSpinBox::valueChanged, this, &ToyMode::requestSolve);

    QAction* open = new QAction("&Open field…", this);
    open->setShortcut(QKeySequence::Open);
    connect(open, &QAction::triggered, this, [this] {
        const QString path = QFileDialog::getOpenFileName(this, "Open field", {}, "Field JSON (*.json);;All files (*)");
        if (!path.isEmpty()) loadFieldFile(path);
    });
    auto saveAs = [this](const QString& title, const QString& filter, auto exporter) {
        const QString path = QFileDialog::getSaveFileName(this, title, {}, filter);
        QString error;
        if (!path.isEmpty() && !(this->*exporter)(path, &error)) QMessageBox::warning(this, title, error);
    };
    auto action = [this](const QString& text, auto slot) {
        auto* a = new QAction(text, this);
        connect(a, &QAction::triggered, this, slot);
        return a;
    };
    QAction* png = action("Export view as &PNG…", [=] { saveAs("Export PNG", "PNG image (*.png)", &ToyMode::exportPng); });
    QAction* csv = action("Export path as &CSV…", [=] { saveAs("Export CSV", "CSV (*.csv)", &ToyMode::exportPathCsv); });
    QAction* json = action("Export path as &JSON…", [=] { saveAs("Export JSON", "JSON (*.json)", &ToyMode::exportPathJson); });
    fileActions_ = {open, png, csv, json};

    QAction* undo = undo_.createUndoAction(this, "&Undo");
    QAction* redo = undo_.createRedoAction(this, "&Redo");
    ivpAction_ = action("&IVP tool", [this](bool on) { setIvpToolEnabled(on); });
    ivpAction_->setCheckable(true);
    ivpAction_->setToolTip("Click to place a start point, drag the orange arrow to set the velocity; the "
                           "geodesic it shoots is four times the arrow's length. Along dense ridges nearby geodesics "
                           "diverge fast, so small changes of direction matter.");
    QAction* seed = action("&Shoot along the geodesic from A", [this] { seedIvpFromGeodesic(); });

    auto* bar = new QToolBar("Toy densities");
    bar->addWidget(presets_);
    bar->addAction(open);
    bar->addWidget(metric_);
    spacetimeControls_ = bar->addWidget(spacetime_->controls());
    spacetimeControls_->setVisible(false);
    bar->addSeparator();
    pointsAction_ = bar->addWidget(points_);
    bar->addAction(ivpAction_);
    bar->addAction(seed);
    bar->addSeparator();
    bar->addAction(undo);
    bar->addAction(redo);
    bar->addSeparator();
    bar->addAction(png);
    bar->addAction(csv);
    bar->addAction(json);
    auto* page = new QVBoxLayout(this);
    page->setContentsMargins(0, 0, 0, 0);
    page->setSpacing(0);
    page->addWidget(bar);
    page->addWidget(split, 1);
    page->addWidget(status_);
}

void ToyMode::loadPreset(const QString& name) {
    if (name == SpacetimeMode::planePresetName()) {
        scene_ = {};
        scene_.name = name.toStdString();
        if (metric() != Metric::Spacetime) return setMetric(Metric::Spacetime);  // the 1-D plane exists only there
    } else {
        scene_ = geo::preset(name.toStdString());
    }
    presets_->setCurrentText(name);
    applyScene();
}

ToyMode::Metric ToyMode::metric() const { return Metric(metric_->currentIndex()); }

void ToyMode::setMetric(Metric m) {
    metric_->setCurrentIndex(int(m));
    const bool spacetime = m == Metric::Spacetime;
    const QString plane = SpacetimeMode::planePresetName();
    if (spacetime && presets_->findText(plane) < 0) presets_->insertItem(0, plane);
    if (!spacetime && presets_->findText(plane) >= 0) {
        presets_->removeItem(presets_->findText(plane));
        if (scene_.name == plane.toStdString()) return loadPreset(presets_->itemText(0));
    }
    spacetimeControls_->setVisible(spacetime);
    pointsAction_->setVisible(!spacetime);
    ivpAction_->setEnabled(m == Metric::Density);
    if (m != Metric::Density) setIvpToolEnabled(false);
    sidePlots_->setCurrentIndex(spacetime ? 1 : 0);
    if (spacetime && scene_.name == plane.toStdString()) presets_->setCurrentText(plane);
    applyScene();
}

bool ToyMode::loadFieldFile(const QString& path) {
    try {
        scene_ = geo::sceneFromFile(path.toStdString());
    } catch (const std::exception& e) {
        QMessageBox::warning(this, "Open field", QString::fromStdString(e.what()));
        return false;
    }
    if (presets_->findText(QFileInfo(path).fileName()) < 0) presets_->addItem(QFileInfo(path).fileName());
    presets_->setCurrentText(QFileInfo(path).fileName());
    applyScene();
    return true;
}

void ToyMode::applyScene() {
    undo_.clear();
    if (metric() == Metric::Spacetime) {
        view_->setIvpPath({});
        status_->showMessage(QString::fromStdString(scene_.description));
        spacetime_->activate(QString::fromStdString(scene_.name), scene_);
        return;
    }
    view_->setTraces({});
    view_->setStraightVisible(true);
    const QPointF a = toQPoint(scene_.from), b = toQPoint(scene_.to);
    shown_.reset();
    view_->setLandscape(makeLandscape(scene_));
    view_->setEndpoints(a, b);
    view_->setIvp(a, (b - a) * 0.25);
    view_->setGeodesic({});
    view_->setIvpPath({});
    status_->showMessage(QString::fromStdString(scene_.description));
    requestSolve();
}

void ToyMode::setHandle(Handle h, QPointF p) {
    view_->setHandlePosition(h, p);
    if (metric() == Metric::Spacetime) spacetime_->requestSolve(false);
    else requestSolve();
}

void ToyMode::setIvpToolEnabled(bool on) {
    ivpAction_->setChecked(on);
    view_->setIvpVisible(on);
    requestSolve();
}

void ToyMode::seedIvpFromGeodesic() {
    if (!shown_ || !shown_->bvp) return;
    const geo::Points& g = shown_->bvp->geodesic;
    const Eigen::Vector2d v = geo::initialDirection(g) * (geo::euclideanLength(g) / kIvpTime);
    view_->setIvp(view_->handlePosition(Handle::A), toQPoint(v));
    setIvpToolEnabled(true);
}

void ToyMode::requestSolve() {
    if (metric() == Metric::Spacetime) return spacetime_->requestSolve(false);
    ToyRequest r;
    r.stamp = nextStamp_++;
    r.field = scene_.field;
    r.a = toEigen(view_->handlePosition(Handle::A));
    r.b = toEigen(view_->handlePosition(Handle::B));
    r.points = points_->value();
    r.ivp = ivpAction_->isChecked();
    r.ivpStart = toEigen(view_->handlePosition(Handle::IvpStart));
    r.ivpVelocity = toEigen(view_->handlePosition(Handle::IvpVelocity)) - r.ivpStart;
    r.ivpLength = kIvpTime * r.ivpVelocity.norm();
    worker_->request(std::move(r));
}

void ToyMode::onResult(ToyResultPtr r) {
    if (shown_ && (r->stamp < shown_->stamp || (r->stamp == shown_->stamp && shown_->final))) return;  // stale
    if (pending_ && r->stamp < pending_->stamp) return;
    pending_ = std::move(r);
    if (!drawTimer_.isActive()) drawTimer_.start(std::max<qint64>(0, kMinDrawIntervalMs - sinceDraw_.elapsed()));
}

void ToyMode::draw() {
    if (!pending_) return;
    ToyResultPtr r = std::move(pending_);
    sinceDraw_.restart();
    if (!r->error.isEmpty()) {
        status_->showMessage("Solve failed: " + r->error);
        shown_ = r;
        return;
    }
    if (!r->final) {
        view_->setGeodesic(toQPoints(r->snapshotPath));
        return;
    }
    shown_ = r;
    ++framesDrawn_;
    const geo::ToyBvpOutcome& o = *r->bvp;
    if (metric() == Metric::Euclidean) {
        view_->setGeodesic(toQPoints(o.straight));
        plot_->setCurves({}, densityCurve(o.straight, o.straightReport));
        info_->setText(infoText());
        return;
    }
    view_->setGeodesic(toQPoints(o.geodesic));
    view_->setIvpPath(r->ivpPath.rows() ? toQPoints(r->ivpPath) : QVector<QPointF>{});
    if (!r->ivpError.isEmpty()) status_->showMessage("IVP: " + r->ivpError, 6000);
    plot_->setCurves(densityCurve(o.geodesic, o.geodesicReport), densityCurve(o.straight, o.straightReport));
    info_->setText(infoText());
}

QString ToyMode::infoText() const {
    if (metric() == Metric::Spacetime) return spacetime_->infoText();
    if (!shown_ || !shown_->bvp) return {};
    const geo::ToyBvpOutcome& o = *shown_->bvp;
    const double g = o.geodesicReport.length, s = o.straightReport.length;
    const QPointF a = view_->handlePosition(Handle::A), b = view_->handlePosition(Handle::B);
    if (metric() == Metric::Euclidean)
        return QString("<table cellspacing=4><tr><td><b>Euclidean length</b></td><td><b>%1</b></td></tr>"
                       "<tr><td>Its density-metric length</td><td>%2 &nbsp;(the density geodesic: %3)</td></tr></table>"
                       "<p style='color:gray'>The straight segment from A = (%4) to B = (%5)</p>")
            .arg(widgets::lengthText(QLineF(a, b).length()), widgets::lengthText(s), widgets::lengthText(g), pointText(a), pointText(b));
    return QString("<table cellspacing=4>"
                   "<tr><td><b>Geodesic length</b></td><td><b>%1</b></td></tr>"
                   "<tr><td>Straight length</td><td>%2 &nbsp;(%3× the geodesic)</td></tr>"
                   "<tr><td>Euler–Lagrange residual</td><td>%4 mean, %5 max</td></tr>"
                   "<tr><td>Solve</td><td>%6 iterations%7, %8 ms</td></tr></table>"
                   "<p style='color:gray'>Length ∫|γ′|/p(γ) ds with p normalised; A = (%9), B = (%10)</p>")
        .arg(widgets::lengthText(g), widgets::lengthText(s), widgets::lengthText(s / g), QString::number(o.geodesicReport.residual.mean, 'e', 1),
             QString::number(o.geodesicReport.residual.max, 'e', 1), QString::number(o.iterations),
             o.converged ? "" : " (not converged)", QString::number(o.seconds * 1e3, 'f', 1),
             pointText(view_->handlePosition(Handle::A)), pointText(view_->handlePosition(Handle::B)));
}

bool ToyMode::isUpToDate() const {
    if (metric() == Metric::Spacetime) return spacetime_->isUpToDate();
    return shown_ && shown_->final && shown_->stamp + 1 == nextStamp_;
}

template <typename Write>
bool ToyMode::exportWith(const QString& path, QString* error, Write write) {
    try {
        if (metric() == Metric::Spacetime)
            throw geo::InputError("spacetime curves are exported by geodesic-cli (spacetime bvp / edit-distance / tps --json); here: the view as PNG");
        if (!shown_ || !shown_->bvp) throw geo::InputError("there is no solved path to export yet");
        write(*shown_->bvp);
        status_->showMessage("Wrote " + path, 5000);
        return true;
    } catch (const std::exception& e) {
        if (error) *error = QString::fromStdString(e.what());
        return false;
    }
}

bool ToyMode::exportPathCsv(const QString& path, QString* error) {
    return exportWith(path, error, [&](const geo::ToyBvpOutcome& o) {
        geo::writeFileAtomically(path.toStdString(), geo::toyBvpCsv(o));
    });
}

bool ToyMode::exportPathJson(const QString& path, QString* error) {
    return exportWith(path, error, [&](const geo::ToyBvpOutcome& o) {
        nlohmann::json j = geo::toyBvpJson(o);
        j["field"] = scene_.name;
        const QPointF a = view_->handlePosition(Handle::A), b = view_->handlePosition(Handle::B);
        j["from"] = {a.x(), a.y()};
        j["to"] = {b.x(), b.y()};
        geo::writeFileAtomically(path.toStdString(), j.dump(2) + "\n");
    });
}

bool ToyMode::exportPng(const QString& path, QString* error) {
    const QImage image = canvas_->grab().toImage();  // widgets draw on the GUI thread only
    const QString failure = waitOffGuiThread([&] {   // encoding took 80 ms of the GUI thread
        QSaveFile file(path);                         // written under a temporary name, renamed on commit
        if (file.open(QIODevice::WriteOnly) && image.save(&file, "PNG") && file.commit()) return QString();
        return "cannot write " + path + ": " + file.errorString();
    });
    if (!failure.isEmpty()) {
        if (error) *error = failure;
        return false;
    }
    status_->showMessage("Wrote " + path, 5000);
    return true;
}
