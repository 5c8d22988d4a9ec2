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

// Network evaluations of a run by what they were spent on; the stages add up to the run's total.
struct EvaluationsByStage {
    long long inversion = 0;  // inverting the keyframes to τ* (and inverting their prompts)
    long long solve = 0;      // the boundary-value solve, or the shot past an end
    long long decode = 0;     // the frames from τ* to images
    long long measure = 0;    // the density along the frames and the residuals at the knots
    long long preview = 0;    // what the previews cost beyond the solver's own evaluations
    long long total() const { return inversion + solve + decode + measure + preview; }
};

struct ImagePath : PathHeader {
    std::string solver;
    std::string sampling;         // how the keyframes went up to the timestep and the frames came down
    std::vector<double> t;        // per frame; keyframe k sits at t = k
    std::vector<int> keyframes;   // frame indices of the input images
    at::Tensor latents, baselineLatents;  // [F, C, H, W] float32 at the timestep
    at::Tensor frames, baselineFrames;    // [F, 3, S, S] in [−1, 1]
    PathNumbers path, baseline;
    int iterations = 0;
    EvaluationsByStage evaluations;
    std::vector<long long> evaluationsPerLevel;  // the solve's, summed over pairs
    double seconds = 0;
    std::string retiming;         // empty, or the distance the frames were re-timed by
    std::vector<std::string> warnings;
};

// A cheap look at a path while it is solved, at local t ∈ [0, 1] of one pair: frames of the one-step
// denoised guesses x̂0 = (x − σ ε) / √ᾱ drawn through a linear latent→RGB map (no decoder), and the
// relative log-density (0 at the first t). The path's come from the solver's own evaluations at its
// control points (x̂0 and log-density interpolated linearly in t between them): no network evaluation;
// the slerp's cost one deterministic score per point, once per pair.
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
