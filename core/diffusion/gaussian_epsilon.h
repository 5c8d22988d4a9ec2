#pragma once
// The exact ε-predictor for data x₀ ~ N(μ, s² I): with x_t = √ᾱ x₀ + σ ε,
//     E[ε | x_t] = σ (x_t − √ᾱ μ) / (ᾱ s² + σ²).
// A yardstick: every score, inversion and sampling routine can be checked against it in closed form.
#include <ATen/core/Tensor.h>

#include "diffusion/epsilon_model.h"
#include "schedule/discrete_schedule.h"

namespace geo {

class GaussianDataEpsilon final : public EpsilonModel {
public:
    GaussianDataEpsilon(at::Tensor mean, double variance, DiscreteSchedule schedule = DiscreteSchedule());  // mean: [C, H, W]
    at::Tensor epsilon(const at::Tensor& x, int64_t t) const override;

private:
    at::Tensor mean_;
    double variance_;
    DiscreteSchedule schedule_;
};

}  // namespace geo
