#pragma once
// The score of a diffusion model at the level τ* where image paths live, as the density solvers ask
// for it (PathScore), and the model bound to a per-latent text condition (for DDIM).
//
// Models without text: s(x) = −ε(x', τ')/σ_τ*. Text-conditioned models: the published estimator of
// density-geodesics.md §3.3 with g0 = g1 = 1, s = ½ (ε(x', τ', c_neg) − ε(x', τ', c(t))), with the
// per-point condition c(t) = (1 − t) c_A + t c_B. With timestep jitter ρ > 0 (the published
// back_n_forward_sample), each draw picks one τ' uniform on [τ* − ρ, τ* + ρ − 1] and a fresh ε0 per
// point, and re-noises x' = √ᾱ' x̂0 + √(1−ᾱ') ε0 with x̂0 = (x − √(1−ᾱ*) ε0)/√ᾱ*; the draw
// PathScore::kDeterministic (or ρ = 0) evaluates at x' = x, τ' = τ*.
#include <ATen/core/Tensor.h>
#include <array>
#include <memory>

#include "diffusion/diffusion_model.h"
#include "solver/path_score.h"

namespace geo {

// Text embeddings at both ends of a path and the negative prompt's; all undefined for a model
// without text.
struct PathConditioning {
    at::Tensor a, b, negative;  // [1, L, D] each
    bool defined() const { return a.defined(); }
    at::Tensor at(double t) const;  // (1 − t) a + t b
};

struct ScoreOptions {
    int timestep = 581;
    int jitterRange = 0;   // ρ; 100 in the published configuration
    uint64_t seed = 0;
    int batch = 10;        // points per network call (the published grad_batch_size); cancel is polled between calls
};

class ModelPathScore final : public PathScore {
public:
    ModelPathScore(std::shared_ptr<const DiffusionModel> model, ScoreOptions options, PathConditioning conditioning = {});
    int dim() const override;
    Points score(const Points& x, const std::vector<double>& t, int64_t draw, const SolveControl& control) const override;
    int evaluationsPerPoint(int64_t draw) const override;
    // The same before any score exists: a text model's conditional and negative rows, else one.
    static int evaluationsPerPointOf(const DiffusionModel& model);
    // x̂0 = (x' − σ' ε(x', τ', c(t))) / √ᾱ' from the conditional prediction, at the (re-noised) point and timestep the score used.
    Points scoreAndDenoised(const Points& x, const std::vector<double>& t, int64_t draw, const SolveControl& control, Points& denoised) const override;

private:
    Points evaluate(const Points& x, const std::vector<double>& t, int64_t draw, const SolveControl& control, Points* denoised) const;

    std::shared_ptr<const DiffusionModel> model_;
    ScoreOptions o_;
    PathConditioning c_;
};

// The model conditioned on one text embedding per latent row (or one for all), for DDIM.
class ConditionedEpsilon final : public EpsilonModel {
public:
    ConditionedEpsilon(std::shared_ptr<const DiffusionModel> model, at::Tensor context) : model_(std::move(model)), context_(std::move(context)) {}
    at::Tensor epsilon(const at::Tensor& x, int64_t t) const override { return model_->epsilonWith(x, t, context_); }
    c10::Device device() const override { return model_->device(); }

private:
    std::shared_ptr<const DiffusionModel> model_;
    at::Tensor context_;
};

// Rows of flattened latents ↔ [N, C, H, W] float32 tensors on the CPU.
at::Tensor pointsToLatents(const Points& x, const std::array<int64_t, 3>& shape);
Points latentsToPoints(const at::Tensor& latents);

}  // namespace geo
