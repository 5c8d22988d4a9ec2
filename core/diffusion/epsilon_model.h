#pragma once
// A noise predictor ε(x_t, t) on the discrete schedule: what a trained UNet provides, and what the
// exact models of Gaussian data provide in closed form.
#include <ATen/core/Tensor.h>
#include <c10/core/Device.h>

namespace geo {

class EpsilonModel {
public:
    virtual ~EpsilonModel() = default;
    // x: [N, C, H, W] float32 on device(); t: one timestep for the whole batch.
    virtual at::Tensor epsilon(const at::Tensor& x, int64_t t) const = 0;
    virtual c10::Device device() const { return c10::Device(c10::kCPU); }
};

}  // namespace geo
