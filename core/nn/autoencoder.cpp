#include "nn/autoencoder.h"

#include <torch/torch.h>

#include "common/errors.h"

namespace geo {

namespace {

struct ResBlockImpl : torch::nn::Module {
    torch::nn::GroupNorm norm1{nullptr}, norm2{nullptr};
    torch::nn::Conv2d conv1{nullptr}, conv2{nullptr};
    explicit ResBlockImpl(int c) {
        norm1 = register_module("norm1", torch::nn::GroupNorm(8, c));
        conv1 = register_module("conv1", torch::nn::Conv2d(torch::nn::Conv2dOptions(c, c, 3).padding(1)));
        norm2 = register_module("norm2", torch::nn::GroupNorm(8, c));
        conv2 = register_module("conv2", torch::nn::Conv2d(torch::nn::Conv2dOptions(c, c, 3).padding(1)));
    }
    torch::Tensor forward(const torch::Tensor& x) {
        const torch::Tensor h = conv1(torch::silu(norm1(x)));
        return x + conv2(torch::silu(norm2(h)));
    }
};
TORCH_MODULE(ResBlock);

torch::nn::Conv2d conv(int in, int out, int k = 3, int stride = 1) {
    return torch::nn::Conv2d(torch::nn::Conv2dOptions(in, out, k).stride(stride).padding(k / 2));
}

struct UpsampleImpl : torch::nn::Module {
    torch::Tensor forward(const torch::Tensor& x) {
        return torch::nn::functional::interpolate(
            x, torch::nn::functional::InterpolateFuncOptions().scale_factor(std::vector<double>{2, 2}).mode(torch::kNearest));
    }
};
TORCH_MODULE(Upsample);

struct SiLUImpl : torch::nn::Module {
    torch::Tensor forward(const torch::Tensor& x) { return torch::silu(x); }
};
TORCH_MODULE(SiLU);

}  // namespace

AutoencoderImpl::AutoencoderImpl(AutoencoderConfig config) : config_(config) {
    const int c = config.channels, c2 = 2 * config.channels, z = config.latentChannels;
    const int w = config.decoderWidth > 0 ? config.decoderWidth : c2;  // the decoder's half-resolution stage
    encoder_ = register_module("encoder", torch::nn::Sequential(
        conv(3, c), ResBlock(c), conv(c, c2, 3, 2), ResBlock(c2), conv(c2, c2, 3, 2), ResBlock(c2),
        torch::nn::GroupNorm(8, c2), SiLU(), conv(c2, z)));
    if (config.decoderHead == "upsample")
        decoder_ = register_module("decoder", torch::nn::Sequential(
            conv(z, c2), ResBlock(c2), Upsample(), conv(c2, w), ResBlock(w), Upsample(), conv(w, c), ResBlock(c),
            torch::nn::GroupNorm(8, c), SiLU(), conv(c, 3)));
    else if (config.decoderHead == "pixel-shuffle")  // the first five modules are those above
        decoder_ = register_module("decoder", torch::nn::Sequential(
            conv(z, c2), ResBlock(c2), Upsample(), conv(c2, w), ResBlock(w), torch::nn::GroupNorm(8, w), SiLU(), conv(w, 12),
            torch::nn::PixelShuffle(2)));
    else
        throw InputError("unknown decoder head \"" + config.decoderHead + "\" (expected upsample or pixel-shuffle)");
}

torch::Tensor AutoencoderImpl::encode(const torch::Tensor& image) const {
    return const_cast<torch::nn::SequentialImpl&>(*encoder_).forward(image);
}

torch::Tensor AutoencoderImpl::decode(const torch::Tensor& latent) const {
    return const_cast<torch::nn::SequentialImpl&>(*decoder_).forward(latent);
}

}  // namespace geo
