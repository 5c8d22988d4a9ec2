#pragma once
// Stable Diffusion's AutoencoderKL, built from an SdVaeConfig; module paths are diffusers' weight names
// (encoder.down_blocks.0.resnets.0…, quant_conv, post_quant_conv, decoder.up_blocks…).
#include <torch/nn/module.h>
#include <torch/nn/modules/conv.h>

#include <memory>

#include "sd/sd_config.h"
#include "sd/sd_unet.h"

namespace geo::sd {

struct LatentMoments {
    torch::Tensor mean, logvar;  // logvar clamped to [−30, 20] as diffusers does
};

class VaeImpl : public torch::nn::Module {
public:
    explicit VaeImpl(const SdVaeConfig& config);
    // images [B, 3, H, W] in [−1, 1] → the posterior over latents (not scaled by the scaling factor).
    LatentMoments encode(const torch::Tensor& images, const StageProbe& probe = {});
    // latents as encode's mean gives them (not scaled) → images in about [−1, 1].
    torch::Tensor decode(const torch::Tensor& latents, const StageProbe& probe = {});
    const SdVaeConfig& config() const { return config_; }

private:
    SdVaeConfig config_;
    std::shared_ptr<torch::nn::Module> encoder_, decoder_;
    torch::nn::Conv2d quantConv_{nullptr}, postQuantConv_{nullptr};
};
TORCH_MODULE(Vae);

}  // namespace geo::sd
