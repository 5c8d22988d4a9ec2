#pragma once
// Posterior moments for a denoiser that gives only its mean E[x₀|x_t] (a network): the divergence by
// Hutchinson's estimator with Rademacher probes, div f(x) ≈ mean_j ε_jᵀ (f(x + hε_j) − f(x − hε_j))/(2h),
// and the second moment by the second-order Tweedie identity E[‖x₀‖²|x_t] = (σ²/α) div + ‖E[x₀|x_t]‖².
// The same probes serve every point of a call (common random numbers: differences along a curve do
// not carry independent probe noise, spacetime-geodesics.md §15 item 3); `reseed` draws fresh ones.
#include <cstdint>
#include <memory>

#include "spacetime/denoiser.h"

namespace geo {

class HutchinsonDenoiser final : public Denoiser {
public:
    // `means`: any denoiser; only the mean of its moments is used. h: the central-difference step.
    HutchinsonDenoiser(std::shared_ptr<const Denoiser> means, int probes = 1, uint64_t seed = 0, double h = 1e-4);
    int dim() const override { return means_->dim(); }
    PosteriorMoments moments(const Points& x, const Eigen::VectorXd& alpha, const Eigen::VectorXd& sigma) const override;
    void reseed(uint64_t seed);

private:
    std::shared_ptr<const Denoiser> means_;
    int probes_;
    double h_;
    Eigen::MatrixXd signs_;  // probes × D, entries ±1
};

}  // namespace geo
