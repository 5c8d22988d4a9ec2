#pragma once
// The denoising posterior p(x₀ | x_t) seen through its first two moments, which is all the spacetime
// (Fisher–Rao) geometry needs: E[x₀ | x_t], E[‖x₀‖² | x_t], and the divergence of the mean, related
// to them by the second-order Tweedie identity div E[x₀|x_t] = (α/σ²) tr Cov[x₀|x_t].
#include "field/field.h"

namespace geo {

struct PosteriorMoments {
    Points mean;                  // N × D
    Eigen::VectorXd secondMoment; // E[‖x₀‖² | x_t]
    Eigen::VectorXd divergence;   // div_x E[x₀ | x]
};

class Denoiser {
public:
    virtual ~Denoiser() = default;
    virtual int dim() const = 0;
    // x: N × D noisy points; alpha, sigma: the noise level of each point (x_t = α x₀ + σ ε).
    virtual PosteriorMoments moments(const Points& x, const Eigen::VectorXd& alpha, const Eigen::VectorXd& sigma) const = 0;
};

}  // namespace geo
