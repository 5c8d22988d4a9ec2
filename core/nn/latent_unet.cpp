#include "nn/latent_unet.h"

#include <torch/torch.h>

#include <cmath>

#include "common/errors.h"

namespace geo {

namespace {

namespace F = torch::nn::functional;

torch::nn::Conv2d conv(int in, int out, int k = 3, int stride = 1) {
    return torch::nn::Conv2d(torch::nn::Conv2dOptions(in, out, k).stride(stride).padding(k / 2));
}

int groupsFor(int channels) { return channels % 8 == 0 ? 8 : 1; }

// GroupNorm → SiLU → conv, twice, with the time embedding added between; a 1×1 conv on the skip
// when the width changes. The second conv starts at zero so every block starts as the identity.
struct TimeResBlockImpl : torch::nn::Module {
    torch::nn::GroupNorm norm1{nullptr}, norm2{nullptr};
    torch::nn::Conv2d conv1{nullptr}, conv2{nullptr}, skip{nullptr};
    torch::nn::Linear time{nullptr};
    TimeResBlockImpl(int in, int out, int timeDim) {
        norm1 = register_module("norm1", torch::nn::GroupNorm(groupsFor(in), in));
        conv1 = register_module("conv1", conv(in, out));
        time = register_module("time", torch::nn::Linear(timeDim, out));
        norm2 = register_module("norm2", torch::nn::GroupNorm(groupsFor(out), out));
        conv2 = register_module("conv2", conv(out, out));
        if (in != out) skip = register_module("skip", conv(in, out, 1));
        torch::NoGradGuard noGrad;
        conv2->weight.zero_();
        conv2->bias.zero_();
    }
    torch::Tensor forward(const torch::Tensor& x, const torch::Tensor& temb) {
        torch::Tensor h = conv1(torch::silu(norm1(x)));
        h = h + time(temb).unsqueeze(-1).unsqueeze(-1);
        h = conv2(torch::silu(norm2(h)));
        return (skip ? skip(x) : x) + h;
    }
};
TORCH_MODULE(TimeResBlock);

// Multi-head self-attention over the H·W positions, pre-normalised, residual, output projection at zero.
struct SelfAttentionImpl : torch::nn::Module {
    torch::nn::GroupNorm norm{nullptr};
    torch::nn::Conv2d qkv{nullptr}, proj{nullptr};
    int heads;
    SelfAttentionImpl(int c, int heads_) : heads(heads_) {
        if (c % heads != 0) throw InputError("attention width " + std::to_string(c) + " is not divisible by " + std::to_string(heads) + " heads");
        norm = register_module("norm", torch::nn::GroupNorm(groupsFor(c), c));
        qkv = register_module("qkv", conv(c, 3 * c, 1));
        proj = register_module("proj", conv(c, c, 1));
        torch::NoGradGuard noGrad;
        proj->weight.zero_();
        proj->bias.zero_();
    }
    torch::Tensor forward(const torch::Tensor& x) {
        const int64_t n = x.size(0), c = x.size(1), hw = x.size(2) * x.size(3), d = c / heads;
        // [N, 3, heads, d, HW] → q, k, v as [N·heads, HW, d]
        const torch::Tensor parts = qkv(norm(x)).reshape({n, 3, heads, d, hw}).permute({1, 0, 2, 4, 3}).reshape({3, n * heads, hw, d});
        const torch::Tensor weights = torch::softmax(torch::bmm(parts[0], parts[1].transpose(1, 2)) / std::sqrt(static_cast<double>(d)), -1);
        const torch::Tensor out = torch::bmm(weights, parts[2]).reshape({n, heads, hw, d}).permute({0, 1, 3, 2}).reshape(x.sizes());
        return x + proj(out);
    }
};
TORCH_MODULE(SelfAttention);

struct UpsampleConvImpl : torch::nn::Module {
    torch::nn::Conv2d conv_{nullptr};
    explicit UpsampleConvImpl(int c) { conv_ = register_module("conv", conv(c, c)); }
    torch::Tensor forward(const torch::Tensor& x) {
        return conv_(F::interpolate(x, F::InterpolateFuncOptions().scale_factor(std::vector<double>{2, 2}).mode(torch::kNearest)));
    }
};
TORCH_MODULE(UpsampleConv);

torch::Tensor timestepEmbedding(const torch::Tensor& t, int dim) {
    // Stable Diffusion's: [cos(t·f), sin(t·f)] with f_i = 10000^(−i/half).
    const int half = dim / 2;
    const torch::Tensor freqs = torch::exp(-std::log(10000.0) * torch::arange(half, torch::TensorOptions().dtype(torch::kFloat32).device(t.device())) / half);
    const torch::Tensor args = t.to(torch::kFloat32).unsqueeze(1) * freqs.unsqueeze(0);
    return torch::cat({torch::cos(args), torch::sin(args)}, 1);
}

}  // namespace

LatentUnetImpl::LatentUnetImpl(LatentUnetConfig config) : config_(std::move(config)) {
    const std::vector<int>& ch = config_.channels;
    if (ch.empty() || config_.latentChannels < 1) throw InputError("the UNet needs at least one level and one latent channel");
    for (int c : ch)
        if (c < 1) throw InputError("UNet widths must be positive");
    const int base = ch.front(), timeDim = 4 * base, levels = static_cast<int>(ch.size());
    timeIn_ = register_module("time_in", torch::nn::Linear(base, timeDim));
    timeOut_ = register_module("time_out", torch::nn::Linear(timeDim, timeDim));
    convIn_ = register_module("conv_in", conv(config_.latentChannels, base));

    down_ = register_module("down", torch::nn::ModuleList());
    downsample_ = register_module("downsample", torch::nn::ModuleList());
    up_ = register_module("up", torch::nn::ModuleList());
    int width = base;
    for (int level = 0; level < levels; ++level) {
        down_->push_back(TimeResBlock(width, ch[level], timeDim));
        width = ch[level];
        if (level + 1 < levels) downsample_->push_back(conv(width, width, 3, 2));
    }
    const int deepest = ch.back();
    mid_ = register_module("mid", torch::nn::ModuleList(TimeResBlock(deepest, deepest, timeDim), SelfAttention(deepest, config_.attentionHeads),
                                                       TimeResBlock(deepest, deepest, timeDim)));
    // Up path, coarsest first: a block on [h, skip] then (except at the finest level) an upsampling conv.
    for (int level = levels - 1; level >= 0; --level) {
        up_->push_back(TimeResBlock(width + ch[level], ch[level], timeDim));
        width = ch[level];
        if (level > 0) up_->push_back(UpsampleConv(width));
    }
    normOut_ = register_module("norm_out", torch::nn::GroupNorm(groupsFor(base), base));
    convOut_ = register_module("conv_out", conv(base, config_.latentChannels));
    torch::NoGradGuard noGrad;
    convOut_->weight.zero_();
    convOut_->bias.zero_();
}

torch::Tensor LatentUnetImpl::forward(const torch::Tensor& x, const torch::Tensor& t) {
    const int levels = static_cast<int>(config_.channels.size());
    const torch::Tensor temb = timeOut_(torch::silu(timeIn_(timestepEmbedding(t.reshape({-1}).expand({x.size(0)}), config_.channels.front()).to(x.scalar_type()))));
    torch::Tensor h = convIn_(x);
    std::vector<torch::Tensor> skips;
    for (int level = 0; level < levels; ++level) {
        h = down_[level]->as<TimeResBlock>()->forward(h, temb);
        skips.push_back(h);
        if (level + 1 < levels) h = downsample_[level]->as<torch::nn::Conv2d>()->forward(h);
    }
    h = mid_[0]->as<TimeResBlock>()->forward(h, temb);
    h = mid_[1]->as<SelfAttention>()->forward(h);
    h = mid_[2]->as<TimeResBlock>()->forward(h, temb);
    size_t i = 0;
    for (int level = levels - 1; level >= 0; --level) {
        h = up_[i++]->as<TimeResBlock>()->forward(torch::cat({h, skips[level]}, 1), temb);
        if (level > 0) h = up_[i++]->as<UpsampleConv>()->forward(h);
    }
    return convOut_(torch::silu(normOut_(h)));
}

}  // namespace geo
