#pragma once
// The denoising posterior p(x₀ | x_t) of a DiffusionModel in VP log-SNR coordinates, as the spacetime
// geometry needs it (spacetime-geodesics.md §3, §8, §16): at a point (λ, x) of spacetime,
// α = √sigmoid(λ), σ = √sigmoid(−λ), the network's time τ(λ) by linear interpolation of the schedule's
// λ_τ table (λ clamped to the table's range), the posterior mean x̂₀ = (x − σ ε(x, τ(λ)))/α, and the
// Hutchinson estimate pᵀ (∂x̂₀/∂x) p of its divergence for a probe p, by reverse mode, with the graph
// kept on request so that an energy built from it can be differentiated again (double backward).
// Text models run unguided on one context (by default the empty prompt's).
#include <ATen/core/Tensor.h>
#include <Eigen/Dense>
#include <memory>

#include "diffusion/diffusion_model.h"
#include "diffusion/memory_batches.h"

namespace geo {

// Spacetime points as rows [λ, x…] (N × (1 + D), float64) → a float32 [N, 1 + D] tensor on the CPU.
at::Tensor spacetimeRows(const Eigen::MatrixXd& points);

class NetworkPosterior {
public:
    explicit NetworkPosterior(std::shared_ptr<const DiffusionModel> model, at::Tensor context = {});

    const DiffusionModel& model() const { return *model_; }
    double lambdaMin() const { return lambdaMin_; }  // at the schedule's last timestep
    double lambdaMax() const { return lambdaMax_; }  // at timestep 0
    double lambdaAt(double tau) const;               // the table, linear between entries
    at::Tensor timeOf(const at::Tensor& lambda) const;  // τ(λ), [N]; differentiable in λ

    // x: [N, C, H, W] latents, lambda: [N]; autograd as the caller has it.
    at::Tensor mean(const at::Tensor& x, const at::Tensor& lambda) const;
    // The latents of spacetime rows (spacetimeRows) in the model's shape, [N, C, H, W].
    at::Tensor latentsOf(const at::Tensor& rows) const;

    struct Moments {
        at::Tensor mean;        // x̂₀, [N, C, H, W]
        at::Tensor divergence;  // pᵀ J p per point, [N]
    };
    // probes: [N, C, H, W], entries ±1 (rademacher()). createGraph keeps the divergence differentiable
    // with respect to x and λ (when they require gradients).
    Moments meanAndDivergence(const at::Tensor& x, const at::Tensor& lambda, const at::Tensor& probes, bool createGraph) const;

    // N Rademacher probes of the latent shape from a seeded CPU generator.
    at::Tensor rademacher(int64_t n, uint64_t seed) const;

    // The most spacetime points one differentiated network call has fitted in on this device: no bound
    // at first, halved each time the device runs out of memory (shared by copies).
    BatchLimit& pointsPerCall() const { return *pointsPerCall_; }

private:
    std::shared_ptr<const DiffusionModel> model_;
    std::shared_ptr<BatchLimit> pointsPerCall_;
    at::Tensor context_;
    at::Tensor lambdas_;  // λ_τ, τ = 0 … T − 1, decreasing
    double lambdaMin_ = 0, lambdaMax_ = 0;
};

}  // namespace geo
