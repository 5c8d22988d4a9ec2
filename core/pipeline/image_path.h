#pragma once
// What the image pipelines (interpolation, extrapolation) produce: the geodesic's latents and frames
// beside the baseline's (the slerp between the same inverted latents on the same sphere, decoded the
// same way: what the usual DDIM-slerp interpolation gives), and the numbers every solve reports,
// measured with the deterministic score at τ* whatever the solver used.
#include <ATen/core/Tensor.h>
#include <functional>
#include <string>
#include <vector>

#include "pipeline/run_stage.h"
#include "solver/latent_bvp.h"

namespace geo {

struct FramePathSnapshot;

struct PathNumbers {
    std::vector<double> logDensity;  // per frame, relative to the first keyframe (α · tangential score, trapezoid)
    double logLength = 0;            // log ∫ |γ'| exp(−log p̃) ds over the frames
    double residualMean = 0, residualMax = 0;  // Euler–Lagrange residual ratio at the solved control points' t
};

// Where a path lives and what measured it: the model, the noise level and its timestep τ*, the score
// scale α, the sphere's radius and the seed; shared by every result of the image pipelines.
struct PathHeader {
    std::string model;
    double noiseLevel = 0;
    int timestep = 0;
    double alpha = 0;
    double radius = 0;
    uint64_t seed = 0;
};

struct ImagePath : PathHeader {
    std::string solver;
    std::vector<double> t;        // per frame; keyframe k sits at t = k
    std::vector<int> keyframes;   // frame indices of the input images
    at::Tensor latents, baselineLatents;  // [F, C, H, W] float32 at the timestep
    at::Tensor frames, baselineFrames;    // [F, 3, S, S] in [−1, 1]
    PathNumbers path, baseline;
    int iterations = 0;
    long long unetEvaluations = 0;
    std::vector<long long> evaluationsPerLevel;  // summed over pairs
    double seconds = 0;
    std::string retiming;         // empty, or the distance the frames were re-timed by
    std::vector<std::string> warnings;
};

// A cheap look at a path while it is solved: its points at local t ∈ [0, 1] of one pair, denoised in
// one step from τ* (x̂0 = (x − σ ε) / √ᾱ) and decoded, and the relative log-density there (0 at the
// first t) with the deterministic score. Costs one to three network evaluations per point, against
// the 10–50 of a DDIM decode.
struct PathPreview {
    std::vector<double> t;
    at::Tensor frames;               // [N, 3, S, S] in [−1, 1]
    std::vector<double> logDensity;
    double logLength = 0;            // of the previewed points as a polyline
    long long evaluations = 0;
};
// During "solve": previews of the pair's path as the snapshot has it (baseline false) or of the slerp
// between its keyframes (true). Valid only inside the callback; may throw Cancelled.
using PreviewFunction = std::function<PathPreview(const std::vector<double>& t, bool baseline)>;

// Progress of a pipeline run: the stage (Encode, TextualInversion, Invert, Solve, Shoot, Decode,
// Retime, Measure, and a video analysis's Optimise), the pair of keyframes being solved, the stage's own
// count, during "solve" the solver's snapshot of this iteration and a way to preview it, and during
// "optimise" the frame path's snapshot.
struct PipelineProgress {
    RunStage stage = RunStage::Encode;
    int pair = 0, pairs = 1;
    int done = 0, total = 0;
    const LatentBvpSnapshot* solver = nullptr;
    const PreviewFunction* preview = nullptr;
    const FramePathSnapshot* framePath = nullptr;
};
using PipelineCallback = std::function<void(const PipelineProgress&)>;

}  // namespace geo
