#include "sd/sd_vae.h"

#include <torch/nn/modules/container/modulelist.h>

#include "sd/sd_blocks.h"

namespace geo::sd {

namespace {

constexpr double kEps = 1e-6;  // every VAE norm

struct CoderBlockImpl : torch::nn::Module {
    std::vector<ResnetBlock> resnets;
    Downsample downsample{nullptr};
    Upsample upsample{nullptr};
};

// resnet → attention → resnet at the coarsest level.
struct VaeMidImpl : torch::nn::Module {
    VaeMidImpl(int channels, int groups) {
        torch::nn::ModuleList r(ResnetBlock(channels, channels, 0, groups, kEps), ResnetBlock(channels, channels, 0, groups, kEps));
        register_module("resnets", r);
        first = ResnetBlock(std::dynamic_pointer_cast<ResnetBlockImpl>(r->ptr(0)));
        second = ResnetBlock(std::dynamic_pointer_cast<ResnetBlockImpl>(r->ptr(1)));
        torch::nn::ModuleList a(VaeAttention(channels, groups));
        register_module("attentions", a);
        attention = VaeAttention(std::dynamic_pointer_cast<VaeAttentionImpl>(a->ptr(0)));
    }
    torch::Tensor forward(const torch::Tensor& x) { return second(attention(first(x))); }
    ResnetBlock first{nullptr}, second{nullptr};
    VaeAttention attention{nullptr};
};

// encoder / decoder: conv_in, blocks, mid_block, conv_norm_out, conv_out.
struct CoderImpl : torch::nn::Module {
    torch::nn::Conv2d convIn{nullptr}, convOut{nullptr};
    torch::nn::ModuleList blocks{nullptr};
    std::shared_ptr<VaeMidImpl> mid;
    torch::nn::GroupNorm normOut{nullptr};
};

std::shared_ptr<CoderBlockImpl> coderBlock(int in, int out, int count, int groups) {
    auto block = std::make_shared<CoderBlockImpl>();
    torch::nn::ModuleList list;
    for (int j = 0; j < count; ++j) {
        block->resnets.emplace_back(j == 0 ? in : out, out, 0, groups, kEps);
        list->push_back(block->resnets.back());
    }
    block->register_module("resnets", list);
    return block;
}

}  // namespace

VaeImpl::VaeImpl(const SdVaeConfig& c) : config_(c) {
    const auto& ch = c.blockOutChannels;
    const int levels = static_cast<int>(ch.size());
    auto encoder = std::make_shared<CoderImpl>();
    encoder->convIn = encoder->register_module("conv_in", conv2d(c.inChannels, ch[0]));
    encoder->blocks = encoder->register_module("down_blocks", torch::nn::ModuleList());
    for (int i = 0; i < levels; ++i) {
        auto block = coderBlock(ch[std::max(i - 1, 0)], ch[i], c.layersPerBlock, c.normGroups);
        if (i + 1 < levels) {
            block->downsample = Downsample(ch[i], true);
            block->register_module("downsamplers", torch::nn::ModuleList(block->downsample));
        }
        encoder->blocks->push_back(block);
    }
    encoder->mid = encoder->register_module("mid_block", std::make_shared<VaeMidImpl>(ch.back(), c.normGroups));
    encoder->normOut = encoder->register_module("conv_norm_out", groupNorm(c.normGroups, ch.back(), kEps));
    encoder->convOut = encoder->register_module("conv_out", conv2d(ch.back(), 2 * c.latentChannels));
    encoder_ = register_module("encoder", encoder);
    quantConv_ = register_module("quant_conv", conv2d(2 * c.latentChannels, 2 * c.latentChannels, 1));
    postQuantConv_ = register_module("post_quant_conv", conv2d(c.latentChannels, c.latentChannels, 1));

    auto decoder = std::make_shared<CoderImpl>();
    decoder->convIn = decoder->register_module("conv_in", conv2d(c.latentChannels, ch.back()));
    decoder->mid = decoder->register_module("mid_block", std::make_shared<VaeMidImpl>(ch.back(), c.normGroups));
    decoder->blocks = decoder->register_module("up_blocks", torch::nn::ModuleList());
    for (int i = 0; i < levels; ++i) {
        const int level = levels - 1 - i;
        auto block = coderBlock(ch[std::min(level + 1, levels - 1)], ch[level], c.layersPerBlock + 1, c.normGroups);
        if (level > 0) {
            block->upsample = Upsample(ch[level]);
            block->register_module("upsamplers", torch::nn::ModuleList(block->upsample));
        }
        decoder->blocks->push_back(block);
    }
    decoder->normOut = decoder->register_module("conv_norm_out", groupNorm(c.normGroups, ch[0], kEps));
    decoder->convOut = decoder->register_module("conv_out", conv2d(ch[0], c.outChannels));
    decoder_ = register_module("decoder", decoder);
}

LatentMoments VaeImpl::encode(const torch::Tensor& images, const StageProbe& probe) {
    auto show = [&](const std::string& name, const torch::Tensor& t) {
        if (probe) probe(name, t);
    };
    auto& e = *std::static_pointer_cast<CoderImpl>(encoder_);
    torch::Tensor h = conv(e.convIn, images);
    show("encoder.conv_in", h);
    for (size_t i = 0; i < e.blocks->size(); ++i) {
        auto& block = *e.blocks[i]->as<CoderBlockImpl>();
        for (auto& r : block.resnets) h = r(h);
        if (block.downsample) h = block.downsample(h);
        show("encoder.down_blocks." + std::to_string(i), h);
    }
    h = e.mid->forward(h);
    show("encoder.mid_block", h);
    h = conv(e.convOut, torch::silu(normed(e.normOut, h)));
    show("encoder.conv_out", h);
    h = conv(quantConv_, h).contiguous();
    show("quant_conv", h);
    const auto parts = h.chunk(2, 1);
    return {parts[0], parts[1].clamp(-30.0, 20.0)};
}

torch::Tensor VaeImpl::decode(const torch::Tensor& latents, const StageProbe& probe) {
    auto show = [&](const std::string& name, const torch::Tensor& t) {
        if (probe) probe(name, t);
    };
    auto& d = *std::static_pointer_cast<CoderImpl>(decoder_);
    torch::Tensor h = conv(postQuantConv_, latents);
    show("post_quant_conv", h);
    h = conv(d.convIn, h);
    show("decoder.conv_in", h);
    h = d.mid->forward(h);
    show("decoder.mid_block", h);
    for (size_t i = 0; i < d.blocks->size(); ++i) {
        auto& block = *d.blocks[i]->as<CoderBlockImpl>();
        for (auto& r : block.resnets) h = r(h);
        if (block.upsample) h = block.upsample(h);
        show("decoder.up_blocks." + std::to_string(i), h);
    }
    return conv(d.convOut, torch::silu(normed(d.normOut, h))).contiguous();
}

}  // namespace geo::sd
