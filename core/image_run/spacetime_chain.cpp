#include "image_run/spacetime_chain.h"

#include "pipeline/snapshot_throttle.h"

#include <ATen/ATen.h>

namespace geo {

namespace {

using Clock = RunClock;

std::vector<double> lambdaOf(const Eigen::MatrixXd& points) {
    std::vector<double> l;
    for (Eigen::Index i = 0; i < points.rows(); ++i) l.push_back(points(i, 0));
    return l;
}

// The pair's own share done, 0 … 1: inversion 5 %, the solve 85 % (its step budget; the stopping
// rule may end it sooner), the frames 10 %.
double pairFraction(const SpacetimeImageProgress& p) {
    const double part = p.total > 0 ? double(p.done) / p.total : 0;
    if (p.stage == RunStage::Invert) return 0.05 * part;
    if (p.stage == RunStage::Frames) return 0.9 + 0.1 * part;
    return 0.05 + 0.85 * part;
}

}  // namespace

SpacetimeRun solveSpacetimeChain(const std::shared_ptr<const DiffusionModel>& model, const at::Tensor& images, const SpacetimeImageOptions& o,
                                 const PreviewCadence& cadence, const SolveControl& control, const ImageRunCallback& snapshot, RunShare share,
                                 Clock::time_point runStart, std::shared_ptr<const ImageRunResult> first) {
    const auto start = Clock::now();
    const int pairs = static_cast<int>(images.size(0)) - 1;
    std::vector<SpacetimeImagePath> solved;
    SpacetimeRun run;
    PreviewTimer previews(cadence, start, start - std::chrono::hours(1));
    SnapshotThrottle throttle(cadence.snapshotSeconds);
    int previewedPair = -1;
    SpacetimeKeyframes keyframes;
    for (int k = 0; k < pairs; ++k) {
        const auto report = [&](const SpacetimeImageProgress& p) {
            if (!snapshot) return;
            const auto now = Clock::now();
            ImageRunSnapshot s;
            s.stage = RunStage::Spacetime;
            s.spacetimeStage = p.stage;
            s.pair = k;
            s.pairs = pairs;
            s.done = p.done;
            s.total = p.total;
            s.seconds = secondsBetween(runStart, now);
            s.fraction = share.advance((k + pairFraction(p)) / pairs);
            s.densityResult = first;
            if (p.points) {
                s.spacetimeLambda = lambdaOf(*p.points);
                s.spacetimeEnergy = p.energy;
                if (cadence.previews && p.previewMeans && (previewedPair != k || previews.timely(now))) {
                    s.spacetimeFrames = (*p.previewMeans)();
                    previewedPair = k;
                    previews.record(now);
                }
            }
            if (!throttle.due(p.stage, p.done == p.total, first || s.spacetimeFrames.defined())) return;
            first.reset();
            snapshot(s);
        };
        if (k == 0) keyframes = invertForSpacetime(model, images, o, control, report);
        SpacetimeImagePath path = spacetimeBetweenKeyframes(model, keyframes, k, k + 1, o, control, report);
        if (snapshot) {  // the pair's final frames replace its previews at once
            ImageRunSnapshot done;
            done.stage = RunStage::Spacetime;
            done.spacetimeStage = RunStage::Frames;
            done.pair = k;
            done.pairs = pairs;
            done.done = done.total = 1;
            done.seconds = secondsBetween(runStart, Clock::now());
            done.fraction = share.advance((k + 1.0) / pairs);
            done.spacetimeLambda = lambdaOf(path.points);
            done.spacetimeEnergy = path.energy;
            done.spacetimeFrames = path.means;
            snapshot(done);
        }
        run.pairDistance.push_back(path.editDistance);
        solved.push_back(std::move(path));
    }
    run.path = joinSpacetimePaths(solved);
    // Each pair's curve has finePoints points (setCurvePoints), so pair k spans t = k … k + 1.
    for (Eigen::Index i = 0; i < run.path.points.rows(); ++i) run.t.push_back(double(i) / (o.finePoints - 1));
    run.seconds = secondsBetween(start, Clock::now());
    return run;
}

}  // namespace geo
