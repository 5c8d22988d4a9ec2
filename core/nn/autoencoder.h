#pragma once
// The shipped model's autoencoder: RGB 64×64 in [−1, 1] to a 4-channel latent at a quarter of the
// resolution and back, Stable Diffusion's structure in small (residual blocks, GroupNorm, SiLU,
// strided-convolution downsampling, nearest-neighbour upsampling). Module names are the weight keys.
#include <torch/nn/module.h>
#include <torch/nn/modules/container/sequential.h>

#include <string>

namespace geo {

struct AutoencoderConfig {
    int channels = 48;        // width of the first level; the second has twice as many
    int latentChannels = 4;
    // How the decoder reaches full resolution: "upsample" (nearest ×2, conv and a residual block at
    // full resolution) or "pixel-shuffle" (a conv to 12 channels at half resolution rearranged into
    // 2×2 pixels: no full-resolution convolutions, twice as fast).
    std::string decoderHead = "upsample";
    int decoderWidth = 0;  // channels of the decoder's half-resolution stage; 0: twice `channels`
};

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
