#pragma once
// The spacetime (Fisher–Rao) geodesic between two images and their Diffusion Edit Distance
// (spacetime-geodesics.md §10, §13, §16) over any DiffusionModel: each image encoded and DDIM-inverted
// to the grid timestep whose log-SNR is nearest `lambdaEnd` (the endpoints (λ, x) then sit exactly on
// the schedule's table), the geodesic solved on the network energy (network_bvp.h) at `coarsePoints`
// and then, warm-started, at `finePoints`, and read out as frames two ways: the posterior mean x̂₀ at
// every curve point, decoded, and the curve point itself DDIM-decoded from its own noise level (the
// nearest integer timestep). DED is the curve's length Σ √(Δη·Δμ). The solve runs in one canonical
// direction whatever the order of the images (a swapped pair gets the same curve reversed), so the DED
// is symmetric.
#include <ATen/core/Tensor.h>
#include <Eigen/Dense>
#include <array>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "diffusion/diffusion_model.h"
#include "field/field.h"
#include "pipeline/run_stage.h"
#include "common/solve_control.h"

namespace geo {

struct SpacetimeImageOptions {
    double lambdaEnd = 2;      // the endpoints' log-SNR (t_min; λ = 2 as published)
    int ddimSteps = 50;        // grid for the inversion and for decoding curve points
    int coarsePoints = 16, finePoints = 64;
    int coarseSteps = 200, fineSteps = 100;  // Adam steps at most per phase (the stopping rule may end one sooner)
    int nodes = 8;
    double learningRate = 0.1; // Adam, as published
    // Points per network call with its double backward. Chunks share a point, so 9 covers the 16-point
    // curve in two calls (17 point evaluations): Cancel waits for at most one call's forward or
    // backward, 93 ms at worst on two cores where the published 16 took 141 ms. On the CPU it costs
    // ~1.4× in solve time (small calls are dominated by per-operation overhead; 6 points cost 1.8×);
    // the energy is the same up to float32 rounding.
    int chunk = 9;
    int probes = 8;            // fresh probes averaged for the reported energy and length
    uint64_t seed = 0;
    std::string prompt;        // text models: the one (unguided) condition
};

// The published schedule ending at `points` points: the solve at min(16, points) first, then, when
// there are more, warm-started at `points` for at most `fineSteps` steps. The CLI's --points and the
// image mode's frames per pair both go through here, so they give the same curve.
void setCurvePoints(SpacetimeImageOptions& o, int points, int fineSteps = 100);

struct SpacetimeImageProgress {
    RunStage stage = RunStage::Invert;  // Invert, Coarse, Fine, Frames
    int done = 0, total = 0;
    double energy = 0;         // during the solve: this evaluation's estimate
    const Eigen::MatrixXd* points = nullptr;  // during the solve: the curve, [λ, x] rows
    // During the solve: the curve's posterior means decoded, [N, 3, S, S] in [−1, 1] (N network
    // passes and decodes: for an occasional live look, not every step).
    const std::function<at::Tensor()>* previewMeans = nullptr;
};

struct SpacetimeImagePath {
    Eigen::MatrixXd points;    // N × (1 + D): λ, then the latent
    std::array<int64_t, 3> latentShape{};  // of one point's latent, [C, H, W]
    int timestep = 0;          // of the endpoints
    at::Tensor means;          // [N, 3, S, S] in [−1, 1]: decoded posterior means
    at::Tensor noisy;          // [N, 3, S, S]: the curve points DDIM-decoded
    double energy = 0, energyError = 0, length = 0, editDistance = 0, lambdaMin = 0;
    double editDistanceError = 0;  // the standard error of the length over the fresh probes
    int negativeSegments = 0;
    int steps = 0;
    std::string stop;          // why the last phase ended: "converged", "unhealthy" (network_bvp.h) or "steps"
    long long forward = 0, backward = 0;  // network passes through the solve and the estimates
    double seconds = 0;
};

// images: [2, 3, S, S] in [−1, 1] at the model's size: invertForSpacetime, then spacetimeBetweenKeyframes
// (its seconds include the inversion).
SpacetimeImagePath spacetimeBetweenImages(std::shared_ptr<const DiffusionModel> model, const at::Tensor& images, const SpacetimeImageOptions& options,
                                          const SolveControl& control = {},
                                          const std::function<void(const SpacetimeImageProgress&)>& progress = {});

// Images [K, 3, S, S] (K ≥ 2) encoded and DDIM-inverted once to the endpoints' grid timestep, so that
// a chain inverts each keyframe once: rows of `latents`, in the images' order.
struct SpacetimeKeyframes {
    Points latents;
    int timestep = 0;
};
SpacetimeKeyframes invertForSpacetime(const std::shared_ptr<const DiffusionModel>& model, const at::Tensor& images, const SpacetimeImageOptions& options,
                                      const SolveControl& control = {},
                                      const std::function<void(const SpacetimeImageProgress&)>& progress = {});
// The geodesic from keyframe `first` to keyframe `second` (the solve, the estimates and the frames);
// `options` as given to the inversion (the same prompt and DDIM grid).
SpacetimeImagePath spacetimeBetweenKeyframes(const std::shared_ptr<const DiffusionModel>& model, const SpacetimeKeyframes& keyframes, int first,
                                             int second, const SpacetimeImageOptions& options, const SolveControl& control = {},
                                             const std::function<void(const SpacetimeImageProgress&)>& progress = {});

// The chain through keyframes 0, 1, … as one path: pair k's curve follows pair k − 1's without its
// first point (the shared keyframe); energies, lengths, evaluations and seconds add up, λ_min is the
// lowest, and the stop reason is the worst of the pairs' ("unhealthy" over "steps" over "converged").
SpacetimeImagePath joinSpacetimePaths(const std::vector<SpacetimeImagePath>& pairs);

}  // namespace geo
