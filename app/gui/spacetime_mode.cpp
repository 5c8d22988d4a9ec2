#include "spacetime_mode.h"

#include <QComboBox>
#include <QDoubleSpinBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QSpinBox>
#include <QStatusBar>
#include <cmath>

#include "common/errors.h"
#include "field_view/field_view.h"
#include "line_plot/line_plot.h"
#include "presentation/number_text.h"
#include "spacetime/mixture_denoiser.h"
#include "spacetime/pf_ode.h"
#include "spacetime/spacetime_fields.h"
#include "toy/contours.h"
#include "field/field_grid.h"
#include "thread_handoff.h"
#include "toy_bridge.h"

namespace {

using Kind = SpacetimeRequest::Kind;
const QColor kGeodesic(235, 60, 60), kFlow(255, 170, 30), kMean(80, 220, 255), kPaths(255, 255, 255, 90), kBound(120, 255, 140);
constexpr int kPlanePoints = 256, kGeodesicPoints = 64, kTpsPoints = 128;
constexpr double kPlaneX = 5, kPlaneTMin = 0.02;


// log p_t(x) over the (x, t) plane, 12 nats deep per noise level's colour range, with contours.
widgets::Landscape planeLandscape(const geo::MixtureDenoiser& q) {
    const geo::LinearLogSnr schedule;
    geo::FieldGrid grid;
    grid.box = {Eigen::Vector2d(-kPlaneX, kPlaneTMin), Eigen::Vector2d(kPlaneX, 1.0)};
    grid.nx = 240;
    grid.ny = 150;
    geo::Points x(grid.nx * grid.ny, 1);
    Eigen::VectorXd a(x.rows()), s(x.rows());
    for (int j = 0; j < grid.ny; ++j)
        for (int i = 0; i < grid.nx; ++i) {
            const int k = j * grid.nx + i;
            const double t = kPlaneTMin + (1 - kPlaneTMin) * j / (grid.ny - 1);
            x(k, 0) = -kPlaneX + 2 * kPlaneX * i / (grid.nx - 1);
            a[k] = schedule.alpha(t);
            s[k] = schedule.sigma(t);
        }
    const Eigen::VectorXd logp = q.logMarginal(x, a, s);
    grid.logp.assign(logp.data(), logp.data() + logp.size());
    widgets::Landscape l;
    l.box = QRectF(QPointF(-kPlaneX, kPlaneTMin), QPointF(kPlaneX, 1.0));
    l.nx = grid.nx;
    l.ny = grid.ny;
    l.logDensity = QVector<double>(grid.logp.begin(), grid.logp.end());
    l.high = grid.maxLogp();
    l.low = l.high - 12;
    for (const geo::Segment& seg : geo::contourSet(grid, 10, 12)) l.contours << QLineF(toQPoint(seg[0]), toQPoint(seg[1]));
    l.equalScales = false;
    l.xLabel = "x (noisy)";
    l.yLabel = "t   (λ = 10 − 20t)";
    return l;
}

QVector<QPointF> planePoints(const geo::SpacetimePath& p) {
    QVector<QPointF> out(p.t.size());
    for (Eigen::Index i = 0; i < p.t.size(); ++i) out[i] = {p.x(i, 0), p.t[i]};
    return out;
}

widgets::PlotSeries lambdaSeries(const QString& name, const Eigen::VectorXd& t, QColor colour) {
    widgets::PlotSeries s{name, {}, {}, QPen(colour, 2.5)};
    for (Eigen::Index i = 0; i < t.size(); ++i) {
        s.x << (t.size() > 1 ? double(i) / (t.size() - 1) : 0.0);
        s.y << geo::LinearLogSnr().lambda(t[i]);
    }
    return s;
}

QString number(double v, int digits = 4) { return QString::number(v, 'g', digits); }

}  // namespace

SpacetimeMode::SpacetimeMode(widgets::FieldView* view, widgets::LinePlot* plot, QLabel* info, QStatusBar* status)
    : view_(view), plot_(plot), info_(info), status_(status) {
    worker_ = new SpacetimeWorker(this);
    // Both are emitted on this thread (sendHome).
    connect(worker_, &SpacetimeWorker::resultReady, this, &SpacetimeMode::onResult);
    connect(worker_, &SpacetimeWorker::progress, this, [this](const QString& what) { status_->showMessage(what); });
    startWorkerThread(thread_, worker_);

    controls_ = new QWidget;
    auto* row = new QHBoxLayout(controls_);
    row->setContentsMargins(0, 0, 0, 0);
    endLambda_ = new QDoubleSpinBox;
    endLambda_->setRange(-2, 9);
    endLambda_->setSingleStep(0.5);
    endLambda_->setValue(4);
    endLambda_->setPrefix("ends at λ = ");
    endLambda_->setToolTip("Log-SNR of both endpoints in the 2-D view: the edit distance is anchored there (clean data is infinitely far)");
    constraint_ = new QComboBox;
    constraint_->addItems({"none", "low-variance", "avoid"});
    constraint_->setToolTip("Transition-path constraint: none; keep λ ≥ 3 (tight posteriors); or keep away from the posterior at minimum B");
    paths_ = new QSpinBox;
    paths_->setRange(1, 64);
    paths_->setValue(8);
    paths_->setPrefix("paths: ");
    paths_->setToolTip("Langevin chains sampled along the geodesic");
    row->addWidget(endLambda_);
    row->addWidget(constraint_);
    row->addWidget(paths_);
    connect(endLambda_, &QDoubleSpinBox::valueChanged, this, [this] { requestSolve(false); });
    connect(constraint_, &QComboBox::activated, this, [this] { requestSolve(false); });
    connect(paths_, &QSpinBox::valueChanged, this, [this] { requestSolve(false); });
}

SpacetimeMode::~SpacetimeMode() { stopWorkerThread(thread_); }

bool SpacetimeMode::activate(const QString& name, const geo::ToyScene& scene) {
    try {
        if (name == planePresetName()) {
            kind_ = Kind::Plane;
            auto q = std::make_shared<geo::MixtureDenoiser>(geo::paperToyMixture());
            denoiser_ = q;
            view_->setLandscape(planeLandscape(*q));
            // The paper's figure: from x_T = 1 at t = 1 to where the probability flow lands at t = 0.1.
            const geo::SpacetimePath flow = geo::integrateProbabilityFlow(*q, geo::LinearLogSnr(), Eigen::VectorXd::Constant(1, 1.0));
            view_->setEndpoints({1.0, 1.0}, {flow.x(flow.x.rows() - 1, 0), 0.1});
        } else if (name == "muller-brown" || name == "mueller-brown") {
            kind_ = Kind::TransitionPaths;
            denoiser_.reset();
            system_ = std::make_shared<geo::TpsSystem>(geo::tpsSystem("mueller-brown"));
            view_->setLandscape(makeLandscape(scene));
            view_->setEndpoints(toQPoint(system_->from), toQPoint(system_->to));
        } else {
            kind_ = Kind::Geodesic;
            denoiser_ = geo::exactSpacetimeDenoiser(scene.field, "\"" + scene.name + "\"");
            view_->setLandscape(makeLandscape(scene));
            view_->setEndpoints(toQPoint(scene.from), toQPoint(scene.to));
        }
    } catch (const std::exception& e) {
        status_->showMessage("Spacetime: " + QString::fromStdString(e.what()));
        return false;
    }
    endLambda_->setVisible(kind_ == Kind::Geodesic);
    constraint_->setVisible(kind_ == Kind::TransitionPaths);
    paths_->setVisible(kind_ == Kind::TransitionPaths);
    view_->setIvpVisible(false);
    view_->setStraightVisible(kind_ != Kind::TransitionPaths);
    view_->setGeodesic({});
    view_->setTraces({});
    plot_->setSeries({});
    info_->clear();
    shown_.reset();
    warmStart_.resize(0, 0);
    requestSolve(false);
    return true;
}

double SpacetimeMode::endTime() const { return geo::LinearLogSnr().timeOf(endLambda_->value()); }

void SpacetimeMode::setConstraint(geo::TpsConstraint c) {
    constraint_->setCurrentText(QString::fromStdString(geo::tpsConstraintName(c)));
    requestSolve(false);
}

void SpacetimeMode::requestSolve(bool quick) {
    if (kind_ == Kind::TransitionPaths ? !system_ : !denoiser_) return;  // nothing shown yet
    SpacetimeRequest r;
    r.kind = kind_;
    r.stamp = nextStamp_++;
    r.denoiser = denoiser_;
    const QPointF a = view_->handlePosition(widgets::Handle::A), b = view_->handlePosition(widgets::Handle::B);
    if (kind_ == Kind::Plane) {
        r.from = Eigen::Vector2d(a.x(), a.y());
        r.to = Eigen::Vector2d(b.x(), b.y());
        r.points = kPlanePoints;
    } else {
        const double t = kind_ == Kind::Geodesic ? endTime() : geo::LinearLogSnr().timeOf(system_->endpointLambda);
        r.from = Eigen::Vector3d(a.x(), a.y(), t);
        r.to = Eigen::Vector3d(b.x(), b.y(), t);
        r.points = kind_ == Kind::Geodesic ? kGeodesicPoints : kTpsPoints;
    }
    if (kind_ == Kind::TransitionPaths) {
        if (quick) return;  // a transition-path run takes seconds: it starts when the drag ends
        r.system = system_;
        r.constraint = geo::parseTpsConstraint(constraint_->currentText().toStdString());
        r.paths = paths_->value();
        status_->showMessage("Transition paths: starting…");
    } else {
        r.quick = quick;
        r.warmStart = warmStart_;  // a curve near the last one; the full solve converges from it too
    }
    worker_->request(std::move(r));
}

bool SpacetimeMode::isUpToDate() const { return shown_ && !shown_->quick && shown_->stamp + 1 == nextStamp_; }

void SpacetimeMode::onResult(SpacetimeResultPtr r) {
    if (shown_ && r->stamp < shown_->stamp) return;  // stale
    if (!r->error.isEmpty()) {
        status_->showMessage("Spacetime solve failed: " + r->error);
        shown_ = r;
        return;
    }
    shown_ = r;
    ++framesDrawn_;
    if (r->kind != Kind::TransitionPaths) warmStart_ = r->bvp.weights;
    switch (r->kind) {
        case Kind::Plane: drawPlane(*r); break;
        case Kind::Geodesic: drawGeodesic(*r); break;
        case Kind::TransitionPaths: drawTransitionPaths(*r); break;
    }
    info_->setText(infoText());
    if (r->kind == Kind::TransitionPaths) status_->showMessage(QString("Transition paths done in %1 s").arg(r->seconds, 0, 'f', 1), 8000);
}

void SpacetimeMode::drawPlane(const SpacetimeResult& r) {
    view_->setGeodesic(planePoints(r.bvp.path));
    QVector<widgets::Trace> traces;
    if (r.flow.t.size()) traces << widgets::Trace{planePoints(r.flow), QPen(kFlow, 3)};
    view_->setTraces(traces);
    QVector<widgets::PlotSeries> series{lambdaSeries("λ along the geodesic", r.bvp.path.t, kGeodesic)};
    if (r.flow.t.size()) series << lambdaSeries("λ along the probability flow", r.flow.t, kFlow);
    plot_->setAxisLabels("normalised curve parameter", "log-SNR λ");
    plot_->setSeries(series);
}

void SpacetimeMode::drawGeodesic(const SpacetimeResult& r) {
    view_->setGeodesic(toQPoints(r.bvp.path.x));
    view_->setTraces({widgets::Trace{toQPoints(r.posteriorMean), QPen(kMean, 2, Qt::DashLine)}});
    plot_->setAxisLabels("normalised curve parameter", "log-SNR λ");
    plot_->setSeries({lambdaSeries("λ along the geodesic", r.bvp.path.t, kGeodesic)});
}

void SpacetimeMode::drawTransitionPaths(const SpacetimeResult& r) {
    view_->setGeodesic(toQPoints(r.bvp.path.x));
    QVector<widgets::Trace> traces;
    for (const geo::Points& p : r.paths) traces << widgets::Trace{toQPoints(p), QPen(kPaths, 1.2)};
    traces << widgets::Trace{toQPoints(r.bound.path), QPen(kBound, 2, Qt::DashLine)};
    if (r.constraint == geo::TpsConstraint::Avoid) {
        // The forbidden posterior's centre and width s* = σ/α at its log-SNR.
        QVector<QPointF> ring;
        const double s = std::exp(-system_->forbiddenLambda / 2);
        for (int k = 0; k <= 64; ++k)
            ring << toQPoint(system_->forbidden) + QPointF(s * std::cos(k * M_PI / 32), s * std::sin(k * M_PI / 32));
        traces << widgets::Trace{ring, QPen(QColor(255, 80, 200), 2)};
    }
    view_->setTraces(traces);
    widgets::PlotSeries dots{"maximum energy of each path", {}, {}, QPen(QColor(235, 60, 60)), true};
    for (size_t i = 0; i < r.maxEnergies.size(); ++i) {
        dots.x << double(i + 1);
        dots.y << r.maxEnergies[i];
    }
    const double mean = geo::meanAndSpread(r.maxEnergies).mean;
    plot_->setAxisLabels("path", "max U along the path");
    plot_->setSeries({dots}, {{"mean " + number(mean), mean, QPen(QColor(235, 60, 60), 1, Qt::DashLine)},
                              {"lower bound (minimax) " + number(r.bound.barrier), r.bound.barrier, QPen(QColor(40, 160, 70), 2)}});
}

QString SpacetimeMode::infoText() const {
    if (!shown_ || !shown_->error.isEmpty()) return {};
    const SpacetimeResult& r = *shown_;
    const geo::SpacetimeEnergy& e = r.bvp.energy;
    const double lambdaMin = geo::LinearLogSnr().lambda(r.bvp.path.t.maxCoeff());
    QString rows = QString("<tr><td><b>Geodesic length</b></td><td><b>%1</b></td></tr>"
                           "<tr><td>Energy E = (N−1)/2·ΣΔη·Δμ</td><td>%2 &nbsp;(Σ = %3, N = %4)</td></tr>"
                           "<tr><td>Lowest log-SNR on it</td><td>λ = %5</td></tr>")
                       .arg(number(e.length, 5), number(e.energy, 5), number(e.codeEnergy, 5), QString::number(r.bvp.path.t.size()), number(lambdaMin, 3));
    QString note;
    if (r.kind == Kind::Plane && r.flow.t.size()) {
        rows += QString("<tr><td>Probability flow</td><td>length %1, Σ = %2 over %3 states</td></tr>")
                    .arg(number(r.flowEnergy.length, 5), number(r.flowEnergy.codeEnergy, 5), QString::number(r.flow.t.size()));
        note = "Heat map: log p<sub>t</sub>(x). Compare lengths: energies depend on the number of points and on the speed.";
    } else if (r.kind == Kind::Geodesic) {
        rows += QString("<tr><td>Diffusion edit distance</td><td><b>%1</b> at λ = %2</td></tr>").arg(number(e.length, 5), number(endLambda_->value(), 3));
        note = "Dashed cyan: the posterior mean E[x₀ | γ] along the geodesic.";
    } else if (r.kind == Kind::TransitionPaths) {
        const geo::EnergySpread spread = geo::meanAndSpread(r.maxEnergies);
        rows += QString("<tr><td><b>Maximum energy</b></td><td><b>%1 ± %2</b> over %3 paths</td></tr>"
                        "<tr><td>Lower bound (minimax barrier)</td><td>%4</td></tr>"
                        "<tr><td>KL(z*‖γ) change, lowest</td><td>%5</td></tr>")
                    .arg(number(spread.mean, 4), number(spread.std, 3), QString::number(r.maxEnergies.size()),
                         number(r.bound.barrier, 5), number(r.klMin, 4));
        note = "White: sampled transition paths (one state per geodesic point); green dashed: the minimax path.";
    }
    rows += QString("<tr><td>Solve</td><td>%1 steps%2, %3 ms</td></tr>")
                .arg(QString::number(r.bvp.steps), r.quick ? " (quick, while dragging)" : "", QString::number(r.seconds * 1e3, 'f', 1));
    return "<table cellspacing=4>" + rows + "</table><p style='color:gray'>" + note + "</p>";
}
