#include "image_run/image_run.h"

#include <ATen/ATen.h>
#include <algorithm>

#include "common/errors.h"
#include "image_run/run_estimate.h"
#include "image_run/spacetime_chain.h"
#include "pipeline/image_pipeline.h"
#include "pipeline/snapshot_throttle.h"

namespace geo {

namespace {

using Clock = RunClock;

// The density run's own share done, 0 … 1: inversion 10 %, the solves 70 %, the frames 20 %.
double densityFraction(const PipelineProgress& p) {
    const double part = p.total > 0 ? double(p.done) / p.total : 0;
    switch (p.stage) {
    case RunStage::Encode:
    case RunStage::Invert:
    case RunStage::TextualInversion: return 0.1 * part;
    case RunStage::Solve:
    case RunStage::Shoot: return 0.1 + 0.7 * (p.pair + part) / std::max(1, p.pairs);
    case RunStage::Measure: return 1.0;
    default: return 0.8 + 0.2 * part;
    }
}

// Turns the density pipeline's progress into snapshots: records each pair's control points, decides
// when a preview is due (a new pair, a new level, or cadence.seconds since the last while previews
// have taken under a quarter of the run) and coalesces the rest to the snapshot interval.
class DensityWatcher {
public:
    DensityWatcher(const DiffusionModel& model, int keyframes, const ImageRunOptions& o, RunShare share, Clock::time_point start,
                   const ImageRunCallback& out)
        : o_(o), share_(share), start_(start), out_(out), samples_(previewPointsFor(model, o)), previews_(o.cadence, start, Clock::now()),
          estimate_(planDensityRun(model, keyframes, o)) {
        for (int j = 0; j < samples_; ++j) previewT_.push_back(double(j) / (samples_ - 1));
    }

    void operator()(const PipelineProgress& p) {
        if (p.solver) recordSnapshot(pairs_, p.pair, *p.solver);
        if (!out_) return;
        const auto now = Clock::now();
        estimate_.observe(p, now);
        ImageRunSnapshot s;
        s.stage = p.stage;
        s.pair = p.pair;
        s.pairs = p.pairs;
        s.done = p.done;
        s.total = p.total;
        s.seconds = secondsBetween(start_, now);
        s.fraction = share_.advance(densityFraction(p));
        s.plannedEvaluations = estimate_.plan().evaluations;
        s.secondsPerEvaluation = estimate_.secondsPerEvaluation();
        s.secondsLeft = estimate_.secondsLeft();
        if (p.solver) solverSnapshot(p, now, s);
        if (!throttle_.due(s.stage, p.done == p.total, s.previewPair >= 0)) return;
        if (p.solver && o_.cadence.map) s.map = liveMap(pairs_, samples_);
        out_(s);
    }

    const std::vector<PairControl>& pairs() const { return pairs_; }

private:
    void solverSnapshot(const PipelineProgress& p, Clock::time_point now, ImageRunSnapshot& s) {
        const LatentBvpSnapshot& b = *p.solver;
        s.level = b.level;
        s.iteration = b.iteration;
        s.maxIterations = p.total;
        s.evaluations = b.evaluations + previewEvaluations_;
        for (double r : b.residual) s.residualMean += r / static_cast<double>(b.residual.size()), s.residualMax = std::max(s.residualMax, r);
        const bool newPair = p.pair != lastPreviewPair_, newLevel = b.level != lastPreviewLevel_;
        if (!o_.cadence.previews || !p.preview || !(newPair || newLevel || previews_.timely(now))) return;
        const auto previewStart = Clock::now();
        // A pair's slerp does not change; drawn first, its ends serve the path's previews too.
        if (newPair) baseline_ = (*p.preview)(previewT_, true), previewEvaluations_ += baseline_.evaluations;
        const PathPreview path = (*p.preview)(previewT_, false);
        previewEvaluations_ += path.evaluations;
        previews_.record(previewStart);
        s.previewPair = p.pair;
        s.pathPreview = path;
        s.baselinePreview = baseline_;
        lastPreviewPair_ = p.pair;
        lastPreviewLevel_ = b.level;
    }

    const ImageRunOptions& o_;
    RunShare share_;
    Clock::time_point start_;
    const ImageRunCallback& out_;
    int samples_;
    std::vector<double> previewT_;
    std::vector<PairControl> pairs_;
    int lastPreviewPair_ = -1, lastPreviewLevel_ = 0;
    PreviewTimer previews_;
    SnapshotThrottle throttle_{o_.cadence.snapshotSeconds};
    long long previewEvaluations_ = 0;
    PathPreview baseline_;  // of the pair being solved
    RunEstimator estimate_;
};

void checkRunOptions(const ImageRunOptions& o, const at::Tensor& images) {
    if (images.dim() != 4 || images.size(0) < 2) throw InputError("an image run needs two or more keyframes");
    if (o.extrapolate && solvesSpacetime(o.geometry))
        throw InputError("extrapolation follows the density geodesic only (a spacetime geodesic joins two images)");
    if (o.spacetimeSteps < 0 || o.spacetimeProbes < 1) throw InputError("the spacetime steps must be 0 or more and the probes 1 or more");
}

}  // namespace

ImageRunOptions defaultImageRunOptions(const DiffusionModel& model) {
    ImageRunOptions o;
    o.density = defaultPipelineOptions(model);
    return o;
}

SpacetimeImageOptions spacetimeOptionsOf(const ImageRunOptions& o, const DiffusionModel& model) {
    SpacetimeImageOptions s;  // λ = 2 at the ends, as published
    setCurvePoints(s, o.density.framesPerPair);
    s.coarseSteps = o.spacetimeSteps;
    s.probes = o.spacetimeProbes;
    s.seed = o.density.seed;
    s.ddimSteps = o.density.ddimSteps;
    if (model.textConditioned() && !o.density.prompts.empty()) s.prompt = o.density.prompts.front();
    return s;
}

ImageRunResult runImages(const std::shared_ptr<const DiffusionModel>& model, const at::Tensor& images, const ImageRunOptions& o,
                         const SolveControl& control, const ImageRunCallback& snapshot) {
    if (!model) throw InputError("no model is loaded");
    checkRunOptions(o, images);
    const auto start = Clock::now();
    const bool density = solvesDensity(o.geometry), spacetime = solvesSpacetime(o.geometry);
    ImageRunResult r;
    r.keyframeNames = o.keyframeNames;
    if (density) {
        DensityWatcher watch(*model, static_cast<int>(images.size(0)), o, RunShare(0, spacetime ? 0.5 : 1.0), start, snapshot);
        const PipelineCallback progress = [&watch](const PipelineProgress& p) { watch(p); };
        r.density = std::make_shared<ImagePath>(o.extrapolate ? extrapolateImages(model, images, o.density, o.extrapolation, control, progress)
                                                              : interpolateImages(model, images, o.density, control, progress));
        r.frameResidual = frameResiduals(*r.density, watch.pairs());
        r.map = finishedMap(*r.density, watch.pairs());
    }
    if (spacetime) {
        std::shared_ptr<const ImageRunResult> densityResult = density ? std::make_shared<ImageRunResult>(r) : nullptr;
        const RunShare share = density ? RunShare(0.5, 0.5) : RunShare(0, 1);
        r.spacetime = std::make_shared<SpacetimeRun>(
            solveSpacetimeChain(model, images, spacetimeOptionsOf(o, *model), o.cadence, control, snapshot, share, start, std::move(densityResult)));
    }
    r.seconds = secondsBetween(start, Clock::now());
    return r;
}

}  // namespace geo
