#include "sd/sd_blocks.h"

#include <torch/nn/functional/activation.h>
#include <torch/nn/functional/padding.h>
#include <torch/nn/functional/upsampling.h>
#include <torch/nn/modules/linear.h>
#include <torch/version.h>
#include <ATen/core/grad_mode.h>
#if TORCH_VERSION_MAJOR >= 2
#include <ATen/ops/scaled_dot_product_attention.h>
#endif

#include <algorithm>
#include <cmath>

namespace geo::sd {

namespace F = torch::nn::functional;

torch::nn::Conv2d conv2d(int in, int out, int kernel, int stride, int padding) {
    return torch::nn::Conv2d(torch::nn::Conv2dOptions(in, out, kernel).stride(stride).padding(padding < 0 ? kernel / 2 : padding));
}

torch::nn::GroupNorm groupNorm(int groups, int channels, double eps) {
    return torch::nn::GroupNorm(torch::nn::GroupNormOptions(groups, channels).eps(eps));
}

namespace {

thread_local FlopCount* currentCount = nullptr;

// softmax(q kᵀ / √d) v written out. Unlike the fused kernels' backward, this is differentiable
// twice, which the spacetime energy's gradient needs. On the CPU it computes in float32 (half-width
// matrix products there are slow or missing); on a GPU in the model's dtype, since the score
// matrices dominate memory (at 512×512 with float32 scores one spacetime point took 14.6 GiB).
torch::Tensor explicitAttention(const torch::Tensor& q, const torch::Tensor& k, const torch::Tensor& v, bool causal) {
    // Never baddbmm with beta = 0 over an uninitialised buffer: LibTorch 1.13 can return NaN there.
    const int64_t lq = q.size(2), lk = k.size(2);
    const auto work = q.is_cuda() ? q.scalar_type() : torch::kFloat;
    torch::Tensor scores = torch::matmul(q.to(work) * (1.0 / std::sqrt(static_cast<double>(q.size(3)))), k.to(work).transpose(-1, -2));
    if (causal) scores = scores.masked_fill(torch::ones({lq, lk}, torch::TensorOptions().dtype(torch::kBool).device(q.device())).triu(1), -INFINITY);
    return torch::matmul(scores.softmax(-1), v.to(work)).to(q.scalar_type());
}

// The same without gradients on the CPU, as 2-D products per head over blocks of queries: oneDNN runs
// 2-D products (bfloat16 ones on the CPU's bfloat16 units) several times faster than the batched
// product, and a block's scores ([rows, Lk], about 1 M numbers) stay in cache through the softmax,
// which runs in float32. At SD 1.5's 4 096 tokens this is 5× the batched form's speed in bfloat16 and
// 3× in float32.
torch::Tensor blockedAttention(const torch::Tensor& q, const torch::Tensor& k, const torch::Tensor& v, bool causal) {
    const int64_t b = q.size(0), heads = q.size(1), lq = q.size(2), lk = k.size(2);
    const int64_t rows = std::clamp<int64_t>((int64_t{1} << 20) / std::max<int64_t>(lk, 1), 16, std::max<int64_t>(lq, 16));
    const torch::Tensor scaled = q * (1.0 / std::sqrt(static_cast<double>(q.size(3))));
    torch::Tensor out = torch::empty(q.sizes(), q.options());
    for (int64_t i = 0; i < b; ++i)
        for (int64_t h = 0; h < heads; ++h) {
            const torch::Tensor kt = k[i][h].t(), vh = v[i][h], qh = scaled[i][h], oh = out[i][h];
            for (int64_t first = 0; first < lq; first += rows) {
                const int64_t last = std::min(first + rows, lq);
                torch::Tensor scores = torch::mm(qh.slice(0, first, last), kt).to(torch::kFloat);
                if (causal)
                    scores = scores.masked_fill(torch::ones({last - first, lk}, torch::TensorOptions().dtype(torch::kBool)).triu(1 + first), -INFINITY);
                oh.slice(0, first, last).copy_(torch::mm(scores.softmax(-1).to(q.scalar_type()), vh));
            }
        }
    return out;
}

}  // namespace

torch::Tensor attention(const torch::Tensor& q, const torch::Tensor& k, const torch::Tensor& v, int64_t heads, bool causal) {
    const int64_t b = q.size(0), lq = q.size(1), lk = k.size(1), d = q.size(2) / heads;
    FlopCount::add(4.0 * b * heads * lq * lk * d);
    auto split = [&](const torch::Tensor& t, int64_t l) { return t.reshape({b, l, heads, d}).transpose(1, 2); };
    const bool differentiated = at::GradMode::is_enabled() && (q.requires_grad() || k.requires_grad() || v.requires_grad());
    torch::Tensor out;
    if (differentiated) {
        out = explicitAttention(split(q, lq), split(k, lk), split(v, lk), causal);
    } else if (q.is_cpu()) {
        out = blockedAttention(split(q, lq), split(k, lk), split(v, lk), causal);
    } else {
#if TORCH_VERSION_MAJOR >= 2
        out = at::scaled_dot_product_attention(split(q, lq), split(k, lk), split(v, lk), {}, 0.0, causal);
#else
        out = explicitAttention(split(q, lq), split(k, lk), split(v, lk), causal);
#endif
    }
    return out.transpose(1, 2).reshape({b, lq, heads * d});
}

FlopCount::FlopCount() : outer_(currentCount) { currentCount = this; }
FlopCount::~FlopCount() { currentCount = outer_; }
void FlopCount::add(double flops) {
    if (currentCount) currentCount->flops_ += flops;
}

torch::Tensor conv(torch::nn::Conv2d c, const torch::Tensor& x) {
    const torch::Tensor in = x.is_cpu() && x.dim() == 4 ? x.contiguous(at::MemoryFormat::ChannelsLast) : x;
    torch::Tensor out = c->forward(in);
    const auto& w = c->weight;
    FlopCount::add(2.0 * static_cast<double>(out.numel()) * w.size(1) * w.size(2) * w.size(3));
    return out;
}

torch::Tensor linear(torch::nn::Linear l, const torch::Tensor& x) {
    torch::Tensor out = l->forward(x);
    FlopCount::add(2.0 * static_cast<double>(out.numel()) * l->weight.size(1));
    return out;
}

namespace {

torch::Tensor asFloat(const torch::Tensor& t) { return t.defined() ? t.to(torch::kFloat) : t; }

}  // namespace

torch::Tensor normed(const torch::nn::GroupNorm& n, const torch::Tensor& x) {
    const auto& o = n->options;
    return torch::group_norm(x.to(torch::kFloat), o.num_groups(), asFloat(n->weight), asFloat(n->bias), o.eps()).to(x.scalar_type());
}

torch::Tensor normed(const torch::nn::LayerNorm& n, const torch::Tensor& x) {
    const auto& o = n->options;
    return torch::layer_norm(x.to(torch::kFloat), o.normalized_shape(), asFloat(n->weight), asFloat(n->bias), o.eps()).to(x.scalar_type());
}

void prepareForInference(torch::nn::Module& module) {
    for (const auto& m : module.modules()) {
        if (m->as<torch::nn::GroupNormImpl>() || m->as<torch::nn::LayerNormImpl>())
            for (auto& p : m->parameters(false)) p.set_data(p.to(torch::kFloat));
        if (auto* c = m->as<torch::nn::Conv2dImpl>(); c && c->weight.is_cpu()) c->weight.set_data(c->weight.contiguous(at::MemoryFormat::ChannelsLast));
    }
}

ResnetBlockImpl::ResnetBlockImpl(int in, int out, int timeDim, int groups, double eps) {
    norm1 = register_module("norm1", groupNorm(groups, in, eps));
    conv1 = register_module("conv1", conv2d(in, out));
    if (timeDim > 0) timeEmbProj = register_module("time_emb_proj", torch::nn::Linear(timeDim, out));
    norm2 = register_module("norm2", groupNorm(groups, out, eps));
    conv2 = register_module("conv2", conv2d(out, out));
    if (in != out) convShortcut = register_module("conv_shortcut", conv2d(in, out, 1));
}

torch::Tensor ResnetBlockImpl::forward(const torch::Tensor& x, const torch::Tensor& temb) {
    torch::Tensor h = conv(conv1, torch::silu(normed(norm1, x)));
    if (timeEmbProj) h = h + linear(timeEmbProj, torch::silu(temb)).unsqueeze(-1).unsqueeze(-1);
    h = conv(conv2, torch::silu(normed(norm2, h)));
    return (convShortcut ? conv(convShortcut, x) : x) + h;
}

AttentionImpl::AttentionImpl(int queryDim, int contextDim, int heads_, int headDim, bool qkvBias) : heads(heads_) {
    const int inner = heads * headDim;
    toQ = register_module("to_q", torch::nn::Linear(torch::nn::LinearOptions(queryDim, inner).bias(qkvBias)));
    toK = register_module("to_k", torch::nn::Linear(torch::nn::LinearOptions(contextDim, inner).bias(qkvBias)));
    toV = register_module("to_v", torch::nn::Linear(torch::nn::LinearOptions(contextDim, inner).bias(qkvBias)));
    toOut = register_module("to_out", torch::nn::ModuleList(torch::nn::Linear(inner, queryDim)));
}

torch::Tensor AttentionImpl::forward(const torch::Tensor& x, const torch::Tensor& context) {
    const torch::Tensor& c = context.defined() ? context : x;
    return linear(torch::nn::Linear(toOut->ptr<torch::nn::LinearImpl>(0)), attention(linear(toQ, x), linear(toK, c), linear(toV, c), heads));
}

namespace {

struct GegluImpl : torch::nn::Module {
    GegluImpl(int in, int out) { proj = register_module("proj", torch::nn::Linear(in, 2 * out)); }
    torch::Tensor forward(const torch::Tensor& x) {
        const auto halves = linear(proj, x).chunk(2, -1);
        return halves[0] * F::gelu(halves[1]);
    }
    torch::nn::Linear proj{nullptr};
};
TORCH_MODULE(Geglu);

// Registers `module` under "ff" with `net` inside, as diffusers' FeedForward is laid out.
struct FeedForwardImpl : torch::nn::Module {
    explicit FeedForwardImpl(torch::nn::ModuleList n) { register_module("net", n); }
};
TORCH_MODULE(FeedForward);

}  // namespace

TransformerBlockImpl::TransformerBlockImpl(int dim, int heads, int contextDim, bool /*upcast: scores are float32 anyway*/) {
    norm1 = register_module("norm1", torch::nn::LayerNorm(torch::nn::LayerNormOptions({dim}).eps(1e-5)));
    attn1 = register_module("attn1", Attention(dim, dim, heads, dim / heads, false));
    norm2 = register_module("norm2", torch::nn::LayerNorm(torch::nn::LayerNormOptions({dim}).eps(1e-5)));
    attn2 = register_module("attn2", Attention(dim, contextDim, heads, dim / heads, false));
    norm3 = register_module("norm3", torch::nn::LayerNorm(torch::nn::LayerNormOptions({dim}).eps(1e-5)));
    ffNet = torch::nn::ModuleList(Geglu(dim, 4 * dim), torch::nn::Identity(), torch::nn::Linear(4 * dim, dim));
    register_module("ff", FeedForward(ffNet));
}

torch::Tensor TransformerBlockImpl::forward(const torch::Tensor& x, const torch::Tensor& context) {
    torch::Tensor h = attn1(normed(norm1, x)) + x;
    h = attn2(normed(norm2, h), context) + h;
    const torch::Tensor f = ffNet[0]->as<GegluImpl>()->forward(normed(norm3, h));
    return linear(torch::nn::Linear(ffNet->ptr<torch::nn::LinearImpl>(2)), f) + h;
}

SpatialTransformerImpl::SpatialTransformerImpl(int channels, int heads, int contextDim, int groups, bool linearProjection_, bool upcast)
    : linearProjection(linearProjection_) {
    norm = register_module("norm", groupNorm(groups, channels, 1e-6));
    if (linearProjection) {
        projInLinear = register_module("proj_in", torch::nn::Linear(channels, channels));
    } else {
        projInConv = register_module("proj_in", conv2d(channels, channels, 1));
    }
    auto blocks = register_module("transformer_blocks", torch::nn::ModuleList(TransformerBlock(channels, heads, contextDim, upcast)));
    block = TransformerBlock(std::dynamic_pointer_cast<TransformerBlockImpl>(blocks->ptr(0)));
    if (linearProjection) {
        projOutLinear = register_module("proj_out", torch::nn::Linear(channels, channels));
    } else {
        projOutConv = register_module("proj_out", conv2d(channels, channels, 1));
    }
}

torch::Tensor SpatialTransformerImpl::forward(const torch::Tensor& x, const torch::Tensor& context) {
    const int64_t b = x.size(0), c = x.size(1), hgt = x.size(2), w = x.size(3);
    auto toTokens = [&](const torch::Tensor& t) { return t.permute({0, 2, 3, 1}).reshape({b, hgt * w, c}); };
    auto toImage = [&](const torch::Tensor& t) { return t.reshape({b, hgt, w, c}).permute({0, 3, 1, 2}); };
    torch::Tensor h = normed(norm, x);
    h = linearProjection ? linear(projInLinear, toTokens(h)) : toTokens(conv(projInConv, h));
    h = block(h, context);
    h = linearProjection ? toImage(linear(projOutLinear, h)) : conv(projOutConv, toImage(h));
    return h + x;
}

VaeAttentionImpl::VaeAttentionImpl(int channels, int groups) {
    groupNorm = register_module("group_norm", sd::groupNorm(groups, channels, 1e-6));
    attn = Attention(channels, channels, 1, channels, true);
    // to_q … to_out sit beside group_norm in diffusers, not under a child module.
    for (const auto& child : attn->named_children()) register_module(child.key(), child.value());
}

torch::Tensor VaeAttentionImpl::forward(const torch::Tensor& x) {
    const int64_t b = x.size(0), c = x.size(1), hgt = x.size(2), w = x.size(3);
    const torch::Tensor tokens = normed(groupNorm, x).reshape({b, c, hgt * w}).transpose(1, 2);
    return attn(tokens).transpose(1, 2).reshape({b, c, hgt, w}) + x;
}

DownsampleImpl::DownsampleImpl(int channels, bool asymmetricPad_) : asymmetricPad(asymmetricPad_) {
    conv = register_module("conv", conv2d(channels, channels, 3, 2, asymmetricPad ? 0 : 1));
}

torch::Tensor DownsampleImpl::forward(const torch::Tensor& x) {
    return sd::conv(conv, asymmetricPad ? F::pad(x, F::PadFuncOptions({0, 1, 0, 1})) : x);
}

UpsampleImpl::UpsampleImpl(int channels) { conv = register_module("conv", conv2d(channels, channels)); }

torch::Tensor UpsampleImpl::forward(const torch::Tensor& x, std::vector<int64_t> size) {
    if (size.empty()) size = {2 * x.size(2), 2 * x.size(3)};
    // Nearest upsampling has no float16 kernel on some builds; it is exact in float32.
    const torch::Tensor up = F::interpolate(x.to(torch::kFloat), F::InterpolateFuncOptions().size(size).mode(torch::kNearest)).to(x.scalar_type());
    return sd::conv(conv, up);
}

}  // namespace geo::sd
