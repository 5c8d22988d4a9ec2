#include "sd/sd_unet.h"

#include <torch/nn/modules/container/modulelist.h>

#include <cmath>

#include "sd/sd_blocks.h"

namespace geo::sd {

namespace {

// A down or up block: resnets, optionally one transformer after each, optionally a resampler.
struct LevelBlockImpl : torch::nn::Module {
    std::vector<ResnetBlock> resnets;
    std::vector<SpatialTransformer> attentions;
    Downsample downsample{nullptr};
    Upsample upsample{nullptr};
};

struct MidBlockImpl : torch::nn::Module {
    ResnetBlock first{nullptr}, second{nullptr};
    SpatialTransformer attention{nullptr};
};

template <typename T>
std::vector<T> registerList(torch::nn::Module& parent, const char* name, const std::vector<T>& items) {
    torch::nn::ModuleList list;
    for (const T& item : items) list->push_back(item.ptr());
    parent.register_module(name, list);
    return items;
}

}  // namespace

torch::Tensor timestepFeatures(const torch::Tensor& timesteps, int dim, bool flipSinToCos, int freqShift) {
    const int half = dim / 2;
    const auto f32 = torch::TensorOptions().dtype(torch::kFloat).device(timesteps.device());
    const torch::Tensor freqs = torch::exp(torch::arange(0, half, f32) * (-std::log(10000.0) / (half - freqShift)));
    const torch::Tensor args = timesteps.to(torch::kFloat).unsqueeze(1) * freqs.unsqueeze(0);
    torch::Tensor emb = flipSinToCos ? torch::cat({torch::cos(args), torch::sin(args)}, 1) : torch::cat({torch::sin(args), torch::cos(args)}, 1);
    if (dim % 2 == 1) emb = torch::nn::functional::pad(emb, torch::nn::functional::PadFuncOptions({0, 1}));
    return emb;
}

UnetImpl::UnetImpl(const SdUnetConfig& c) : config_(c) {
    const auto& ch = c.blockOutChannels;
    const int levels = static_cast<int>(ch.size()), timeDim = 4 * ch[0];
    convIn_ = register_module("conv_in", conv2d(c.inChannels, ch[0]));
    auto timeEmbedding = std::make_shared<torch::nn::Module>();
    time1_ = timeEmbedding->register_module("linear_1", torch::nn::Linear(ch[0], timeDim));
    time2_ = timeEmbedding->register_module("linear_2", torch::nn::Linear(timeDim, timeDim));
    register_module("time_embedding", timeEmbedding);
    auto transformer = [&](int channels, int heads) {
        return SpatialTransformer(channels, heads, c.crossAttentionDim, c.normGroups, c.linearProjection, c.upcastAttention);
    };

    down_ = register_module("down_blocks", torch::nn::ModuleList());
    for (int i = 0; i < levels; ++i) {
        auto block = std::make_shared<LevelBlockImpl>();
        std::vector<ResnetBlock> resnets;
        std::vector<SpatialTransformer> attentions;
        for (int j = 0; j < c.layersPerBlock; ++j) {
            resnets.emplace_back(j == 0 ? ch[std::max(i - 1, 0)] : ch[i], ch[i], timeDim, c.normGroups, c.normEps);
            if (c.crossAttention[i]) attentions.push_back(transformer(ch[i], c.heads[i]));
        }
        block->resnets = registerList(*block, "resnets", resnets);
        if (!attentions.empty()) block->attentions = registerList(*block, "attentions", attentions);
        if (i + 1 < levels) block->downsample = registerList(*block, "downsamplers", std::vector{Downsample(ch[i], false)})[0];
        down_->push_back(block);
    }

    auto mid = std::make_shared<MidBlockImpl>();
    const auto midResnets = registerList(*mid, "resnets", std::vector{ResnetBlock(ch.back(), ch.back(), timeDim, c.normGroups, c.normEps),
                                                                      ResnetBlock(ch.back(), ch.back(), timeDim, c.normGroups, c.normEps)});
    mid->first = midResnets[0];
    mid->second = midResnets[1];
    mid->attention = registerList(*mid, "attentions", std::vector{transformer(ch.back(), c.heads.back())})[0];
    mid_ = register_module("mid_block", mid);

    up_ = register_module("up_blocks", torch::nn::ModuleList());
    for (int i = 0; i < levels; ++i) {
        const int level = levels - 1 - i;  // the down level this up block mirrors
        const int out = ch[level], prev = ch[std::min(level + 1, levels - 1)], skipIn = ch[std::max(level - 1, 0)];
        auto block = std::make_shared<LevelBlockImpl>();
        std::vector<ResnetBlock> resnets;
        std::vector<SpatialTransformer> attentions;
        for (int j = 0; j <= c.layersPerBlock; ++j) {
            const int skip = j == c.layersPerBlock ? skipIn : out;
            resnets.emplace_back((j == 0 ? prev : out) + skip, out, timeDim, c.normGroups, c.normEps);
            if (c.crossAttention[level]) attentions.push_back(transformer(out, c.heads[level]));
        }
        block->resnets = registerList(*block, "resnets", resnets);
        if (!attentions.empty()) block->attentions = registerList(*block, "attentions", attentions);
        if (level > 0) block->upsample = registerList(*block, "upsamplers", std::vector{Upsample(out)})[0];
        up_->push_back(block);
    }
    normOut_ = register_module("conv_norm_out", groupNorm(c.normGroups, ch[0], c.normEps));
    convOut_ = register_module("conv_out", conv2d(ch[0], c.outChannels));
}

torch::Tensor UnetImpl::forward(const torch::Tensor& latents, const torch::Tensor& timesteps, const torch::Tensor& context, const StageProbe& probe) {
    auto show = [&](const char* name, const torch::Tensor& t) {
        if (probe) probe(name, t);
    };
    const int64_t batch = latents.size(0);
    const torch::Tensor steps = timesteps.expand({batch});  // one timestep or one per row
    const torch::Tensor features = timestepFeatures(steps, config_.blockOutChannels[0], config_.flipSinToCos, config_.freqShift);
    show("time_proj", features);
    const torch::Tensor temb = linear(time2_, torch::silu(linear(time1_, features.to(latents.scalar_type()))));
    show("time_embedding", temb);
    const torch::Tensor ctx = context.to(latents.scalar_type());

    torch::Tensor h = conv(convIn_, latents);
    show("conv_in", h);
    std::vector<torch::Tensor> skips{h};
    for (size_t i = 0; i < down_->size(); ++i) {
        auto& block = *down_[i]->as<LevelBlockImpl>();
        for (size_t j = 0; j < block.resnets.size(); ++j) {
            h = block.resnets[j](h, temb);
            if (!block.attentions.empty()) h = block.attentions[j](h, ctx);
            skips.push_back(h);
        }
        if (block.downsample) {
            h = block.downsample(h);
            skips.push_back(h);
        }
        show(("down_blocks." + std::to_string(i)).c_str(), h);
    }
    auto& mid = *std::static_pointer_cast<MidBlockImpl>(mid_);
    h = mid.second(mid.attention(mid.first(h, temb), ctx), temb);
    show("mid_block", h);
    for (size_t i = 0; i < up_->size(); ++i) {
        auto& block = *up_[i]->as<LevelBlockImpl>();
        for (size_t j = 0; j < block.resnets.size(); ++j) {
            h = block.resnets[j](torch::cat({h, skips.back()}, 1), temb);
            skips.pop_back();
            if (!block.attentions.empty()) h = block.attentions[j](h, ctx);
        }
        // Upsample to the next skip's size, so sides that are not powers of two come out right.
        if (block.upsample) h = block.upsample->forward(h, {skips.back().size(2), skips.back().size(3)});
        show(("up_blocks." + std::to_string(i)).c_str(), h);
    }
    h = normed(normOut_, h);
    show("conv_norm_out", h);
    h = conv(convOut_, torch::silu(h)).contiguous();
    show("conv_out", h);
    return h;
}

}  // namespace geo::sd
