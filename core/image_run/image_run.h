#pragma once
// One image run, exactly as the window's Run button and `geodesic-cli interpolate --geometry G` /
// `extrapolate` run it: the keyframes inverted once, the density geodesic of every consecutive pair
// (or the shot past an end), the spacetime geodesic through the keyframes, or both; previews and
// snapshots at the cadence of the options (decided here, once: a front end only throttles drawing);
// the frames decoded and measured; the 2-D map of the paths. Export: image_run_export.h.
#include <ATen/core/Tensor.h>
#include <cmath>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "common/solve_control.h"
#include "diffusion/diffusion_model.h"
#include "image_run/image_run_options.h"
#include "image_run/path_map.h"
#include "pipeline/image_path.h"
#include "pipeline/run_stage.h"
#include "pipeline/spacetime_images.h"

namespace geo {

// The model's defaults: the density pipeline's (defaultPipelineOptions), the published spacetime budget.
ImageRunOptions defaultImageRunOptions(const DiffusionModel& model);
// What the spacetime solves of a run take: one curve point per density frame of a pair (as
// `spacetime images --points`), the run's seed and DDIM grid, and for a text model the first
// keyframe's prompt as the one condition of the chain (one posterior, so that the pairs meet).
SpacetimeImageOptions spacetimeOptionsOf(const ImageRunOptions& options, const DiffusionModel& model);

// The spacetime geodesic through the keyframes, the pairs joined.
struct SpacetimeRun {
    SpacetimeImagePath path;          // joined: pair k's curve follows pair k − 1's without the shared keyframe
    std::vector<double> t;            // per curve point: keyframe k at t = k
    std::vector<double> pairDistance; // the Diffusion Edit Distance of each pair
    double seconds = 0;
};

struct ImageRunResult {
    std::shared_ptr<const ImagePath> density;      // null: not asked for
    std::shared_ptr<const SpacetimeRun> spacetime; // null: not asked for
    std::vector<std::string> keyframeNames;
    std::vector<double> frameResidual;             // density: at each frame, the nearest solved control point's residual (NaN: none)
    PathMap map;                                   // density: the finished paths on the 2-D map
    double seconds = 0;
};

struct ImageRunSnapshot {
    RunStage stage = RunStage::Encode;   // Spacetime while a spacetime pair is solved
    RunStage spacetimeStage = RunStage::Invert;  // within Spacetime: the pair's own (Invert, Coarse, Fine, Frames)
    int pair = 0, pairs = 1, done = 0, total = 0;
    int level = 0, iteration = 0, maxIterations = 0;  // density solve
    long long evaluations = 0;           // of the solve so far, previews included
    double seconds = 0;
    double fraction = 0;                 // the run's share done, 0 … 1, over every geometry it solves
    double residualMean = 0, residualMax = 0;
    // The density run's planned evaluations, and at the rate measured so far (NaN until the first
    // network call has been timed) the seconds per evaluation and the time left: an upper estimate
    // while a solve has budget left (run_estimate.h).
    EvaluationsByStage plannedEvaluations;
    double secondsPerEvaluation = NAN, secondsLeft = NAN;
    // A preview of pair previewPair (−1: none in this snapshot): frames of the path being solved and of
    // the pair's slerp at the same local t (PathPreview).
    int previewPair = -1;
    PathPreview pathPreview, baselinePreview;
    PathMap map;                          // with a density solver snapshot (cadence.map): the pairs so far
    // Geometry both: the finished density result, once, with the first spacetime snapshot.
    std::shared_ptr<const ImageRunResult> densityResult;
    // Spacetime: the pair's curve λ at each point, its energy, and now and then its posterior means decoded.
    std::vector<double> spacetimeLambda;
    at::Tensor spacetimeFrames;           // undefined when not previewed in this snapshot
    double spacetimeEnergy = 0;
};
using ImageRunCallback = std::function<void(const ImageRunSnapshot&)>;

// images: [K, 3, S, S] in [−1, 1] at the model's size, K ≥ 2 (exactly 2 to extrapolate). InputError
// for options that cannot run together (extrapolation and a spacetime geometry); Cancelled.
ImageRunResult runImages(const std::shared_ptr<const DiffusionModel>& model, const at::Tensor& images, const ImageRunOptions& options,
                         const SolveControl& control = {}, const ImageRunCallback& snapshot = {});

}  // namespace geo
