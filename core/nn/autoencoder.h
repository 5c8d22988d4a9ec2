#pragma once
// The shipped model's autoencoder: RGB 64×64 in [−1, 1] to a 4-channel latent at a quarter of the
// resolution and back, Stable Diffusion's structure in small (residual blocks, GroupNorm, SiLU,
// strided-convolution downsampling, nearest-neighbour upsampling). Module names are the weight keys.
#include <torch/nn/module.h>
#include <torch/nn/modules/container/sequential.h>

#include <string>

#include "nn/network_configs.h"

namespace geo {

class AutoencoderImpl : public torch::nn::Module {
public:
    explicit AutoencoderImpl(AutoencoderConfig config = {});
    torch::Tensor encode(const torch::Tensor& image) const;   // [N, 3, H, W] → [N, 4, H/4, W/4]
    torch::Tensor decode(const torch::Tensor& latent) const;  // and back
    const AutoencoderConfig& config() const { return config_; }

private:
    AutoencoderConfig config_;
    torch::nn::Sequential encoder_{nullptr}, decoder_{nullptr};
};
TORCH_MODULE(Autoencoder);

}  // namespace geo
