#include "spacetime_worker.h"

#include <chrono>

#include "spacetime/pf_ode.h"

namespace {
constexpr int kQuickSteps = 8;    // L-BFGS steps per drag frame, warm-started; the release solves fully
constexpr int kFlowSteps = 512;   // the reference's Euler steps for the probability flow
}  // namespace

SpacetimeWorker::SpacetimeWorker(QObject* home) : LatestJobRunner(home) { qRegisterMetaType<SpacetimeResultPtr>(); }

void SpacetimeWorker::request(SpacetimeRequest r) {
    const bool quick = r.quick;  // a quick solve lets the one running finish, so a drag shows frames
    submit([this, r = std::move(r)](const geo::SolveControl& control) {
        if (SpacetimeResultPtr result = solve(r, control)) sendHome([this, result] { Q_EMIT resultReady(result); });
    }, !quick);
}

SpacetimeResultPtr SpacetimeWorker::solve(const SpacetimeRequest& r, const geo::SolveControl& control) {
    const auto start = std::chrono::steady_clock::now();
    auto out = std::make_shared<SpacetimeResult>();
    out->stamp = r.stamp;
    out->kind = r.kind;
    out->quick = r.quick;
    const geo::LinearLogSnr schedule;
    try {
        if (r.kind == SpacetimeRequest::Kind::TransitionPaths) {
            solveTransitionPaths(r, control, *out);
        } else {
            geo::SpacetimeBvpOptions o;
            o.points = r.points;
            if (r.warmStart.size()) o.initialWeights = r.warmStart;
            if (r.quick) o.maxSteps = kQuickSteps;
            out->bvp = geo::solveSpacetimeBvp(*r.denoiser, schedule, r.from, r.to, o, control);
            out->posteriorMean = geo::exponentialCoordinates(*r.denoiser, schedule, out->bvp.path).mu.leftCols(out->bvp.path.x.cols());
            if (r.kind == SpacetimeRequest::Kind::Plane) {
                // The flow runs downwards in t, from whichever end is noisier to the other's time.
                const bool fromA = r.from[1] >= r.to[1];
                const Eigen::VectorXd& top = fromA ? r.from : r.to;
                const double tEnd = fromA ? r.to[1] : r.from[1];
                if (top[1] > tEnd) {
                    out->flow = geo::integrateProbabilityFlow(*r.denoiser, schedule, top.head(1), top[1], tEnd, kFlowSteps);
                    out->flowEnergy = geo::spacetimeEnergy(*r.denoiser, schedule, out->flow);
                }
            }
        }
    } catch (const geo::Cancelled&) {
        return nullptr;
    } catch (const std::exception& e) {
        out->error = QString::fromStdString(e.what());
    }
    out->seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    return out;
}

void SpacetimeWorker::solveTransitionPaths(const SpacetimeRequest& r, const geo::SolveControl& control, SpacetimeResult& out) {
    geo::TpsSystem system = *r.system;
    system.from = r.from.head(2);
    system.to = r.to.head(2);
    geo::TpsOptions options;
    options.points = r.points;
    options.constraint = r.constraint;
    out.constraint = r.constraint;
    const QString solving = QString("Solving the %1 geodesic (up to %2 L-BFGS solves)…")
                                .arg(QString::fromStdString(geo::tpsConstraintName(r.constraint)))
                                .arg(r.constraint == geo::TpsConstraint::None ? 1 : 1 + int(options.ramp.size()) + (r.constraint == geo::TpsConstraint::Avoid));
    sendHome([this, solving] { Q_EMIT progress(solving); });
    const geo::TpsGeodesic g = geo::solveTransitionGeodesic(system, options, control);
    out.bvp = g.bvp;
    out.klMin = g.klChange.minCoeff();
    const QString sampling = QString("Sampling %1 transition paths along the geodesic…").arg(r.paths);
    sendHome([this, sampling] { Q_EMIT progress(sampling); });
    geo::LangevinSettings langevin;
    langevin.paths = r.paths;
    const std::vector<geo::Points> chains = geo::sampleTransitionPaths(*system.data, g.bvp.path, langevin, control);
    for (const geo::Points& c : chains) {
        out.maxEnergies.push_back(geo::maxEnergy(system, c));
        out.paths.push_back(geo::statesAtCurvePoints(c, langevin.stepsPerPoint));
    }
    if (boundSystem_ != r.system || boundFrom_ != r.from || boundTo_ != r.to) {
        bound_ = geo::minimaxLowerBound(system);
        boundSystem_ = r.system;
        boundFrom_ = r.from;
        boundTo_ = r.to;
    }
    out.bound = bound_;
}
