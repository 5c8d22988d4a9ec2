#pragma once
// The exact denoising posterior of Gaussian-mixture data at any noise level: again a Gaussian mixture,
// with responsibilities r_k ∝ π_k N(x; α m_k, α² S_k + σ² I), component means
// m_k + α S_k C_k⁻¹ (x − α m_k) and covariances S_k − α² S_k C_k⁻¹ S_k, C_k = α² S_k + σ² I
// (the Woodbury form of (S_k⁻¹ + α²/σ² I)⁻¹, which needs no S_k⁻¹).
#include <memory>

#include "field/gaussian_mixture.h"
#include "spacetime/denoiser.h"

namespace geo {

class MixtureDenoiser final : public Denoiser {
public:
    explicit MixtureDenoiser(std::shared_ptr<const GaussianMixture> data) : data_(std::move(data)) {}
    int dim() const override { return data_->dim(); }
    PosteriorMoments moments(const Points& x, const Eigen::VectorXd& alpha, const Eigen::VectorXd& sigma) const override;
    // log p_t(x), the noisy marginal (for exact KL checks).
    Eigen::VectorXd logMarginal(const Points& x, const Eigen::VectorXd& alpha, const Eigen::VectorXd& sigma) const;

private:
    std::shared_ptr<const GaussianMixture> data_;
};

}  // namespace geo
