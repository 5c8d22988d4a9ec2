#pragma once
// Stable Diffusion's UNet2DConditionModel (SD 1.x and 2.x), built from an SdUnetConfig; module paths
// are diffusers' weight names (conv_in, time_embedding.linear_1, down_blocks.0.attentions.0…).
#include <torch/nn/module.h>
#include <torch/nn/modules/container/modulelist.h>
#include <torch/nn/modules/conv.h>
#include <torch/nn/modules/linear.h>
#include <torch/nn/modules/normalization.h>

#include <functional>
#include <string>

#include "sd/sd_config.h"

namespace geo::sd {

// Called with (module name, output) after each top-level stage, to locate a divergence.
using StageProbe = std::function<void(const std::string&, const torch::Tensor&)>;

class UnetImpl : public torch::nn::Module {
public:
    explicit UnetImpl(const SdUnetConfig& config);
    // latents [B, C, H, W]; timesteps [B] (or one for all); context [B, 77, cross_attention_dim].
    torch::Tensor forward(const torch::Tensor& latents, const torch::Tensor& timesteps, const torch::Tensor& context,
                          const StageProbe& probe = {});
    const SdUnetConfig& config() const { return config_; }

private:
    SdUnetConfig config_;
    torch::nn::Conv2d convIn_{nullptr}, convOut_{nullptr};
    torch::nn::Linear time1_{nullptr}, time2_{nullptr};
    torch::nn::GroupNorm normOut_{nullptr};
    torch::nn::ModuleList down_{nullptr}, up_{nullptr};
    std::shared_ptr<torch::nn::Module> mid_;
};
TORCH_MODULE(Unet);

// The sinusoidal timestep features diffusers computes (in float32): [B] → [B, dim].
torch::Tensor timestepFeatures(const torch::Tensor& timesteps, int dim, bool flipSinToCos, int freqShift);

}  // namespace geo::sd
