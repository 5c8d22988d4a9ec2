#pragma once
// The shipped model's noise network: a UNet on 4×16×16 latents in Stable Diffusion's layout, small.
// Sinusoidal timestep embedding through an MLP, residual blocks that add it, strided-conv
// downsampling, nearest upsampling with skip connections, and a middle block at the coarsest level
// with self-attention. Module names are the weight keys. The output is what `prediction` says (ε for the
// shipped model); DiffusionModel converts it to ε.
#include <torch/nn/module.h>
#include <torch/nn/modules/container/modulelist.h>
#include <torch/nn/modules/conv.h>
#include <torch/nn/modules/linear.h>
#include <torch/nn/modules/normalization.h>

#include <string>
#include <vector>

#include "nn/network_configs.h"

namespace geo {


class LatentUnetImpl : public torch::nn::Module {
public:
    explicit LatentUnetImpl(LatentUnetConfig config = {});
    // x: [N, C, H, W]; t: [N] timesteps (any dtype; 0…999 on the discrete schedule). H, W divisible by
    // 2^(levels − 1).
    torch::Tensor forward(const torch::Tensor& x, const torch::Tensor& t);
    const LatentUnetConfig& config() const { return config_; }

private:
    LatentUnetConfig config_;
    torch::nn::Linear timeIn_{nullptr}, timeOut_{nullptr};
    torch::nn::Conv2d convIn_{nullptr}, convOut_{nullptr};
    torch::nn::GroupNorm normOut_{nullptr};
    torch::nn::ModuleList down_{nullptr}, downsample_{nullptr}, mid_{nullptr}, up_{nullptr};
};
TORCH_MODULE(LatentUnet);

}  // namespace geo
