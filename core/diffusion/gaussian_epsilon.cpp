#include "diffusion/gaussian_epsilon.h"

#include <ATen/ATen.h>
#include <cmath>

#include "common/errors.h"

namespace geo {

GaussianDataEpsilon::GaussianDataEpsilon(at::Tensor mean, double variance, DiscreteSchedule schedule)
    : mean_(std::move(mean)), variance_(variance), schedule_(std::move(schedule)) {
    if (!(variance > 0)) throw InputError("the data variance must be positive");
}

at::Tensor GaussianDataEpsilon::epsilon(const at::Tensor& x, int64_t t) const {
    const double ab = schedule_.alphaBar(static_cast<int>(t)), sigma = std::sqrt(1 - ab);
    return (x - std::sqrt(ab) * mean_.to(x.device(), x.scalar_type())) * (sigma / (ab * variance_ + sigma * sigma));
}

}  // namespace geo
