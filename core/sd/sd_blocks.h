#pragma once
// The layers Stable Diffusion's UNet and VAE are built from, named as diffusers names them so that
// module paths equal checkpoint keys: ResnetBlock2D, the Transformer2DModel with its
// BasicTransformerBlocks, the VAE's single-head attention, and the strided / nearest resamplers.
#include <torch/nn/module.h>
#include <torch/nn/modules/container/modulelist.h>
#include <torch/nn/modules/conv.h>
#include <torch/nn/modules/linear.h>
#include <torch/nn/modules/normalization.h>

namespace geo::sd {

// softmax(q kᵀ / √d) v over `heads` heads; q [B, Lq, H·d], k and v [B, Lk, H·d]. Scores are
// accumulated in float32 whatever the inputs' dtype, so half precision cannot overflow them; on
// LibTorch 2.x the fused kernel does this. `causal` masks keys after each query (CLIP).
torch::Tensor attention(const torch::Tensor& q, const torch::Tensor& k, const torch::Tensor& v, int64_t heads, bool causal = false);

// The layers' arithmetic, each written once: a convolution (on the CPU in channels-last layout,
// which oneDNN runs faster in either dtype), a linear layer, and the norms, which compute in float32
// whatever the activations' dtype (their weights stay float32, see prepareForInference).
torch::Tensor conv(torch::nn::Conv2d c, const torch::Tensor& x);
torch::Tensor linear(torch::nn::Linear l, const torch::Tensor& x);
torch::Tensor normed(const torch::nn::GroupNorm& n, const torch::Tensor& x);
torch::Tensor normed(const torch::nn::LayerNorm& n, const torch::Tensor& x);
// After a network's cast to its device and dtype: the GroupNorm and LayerNorm weights back to float32,
// and on the CPU the convolution weights in channels-last layout (else oneDNN reorders each on every
// call: a third of a UNet evaluation in bfloat16 at 256×256).
void prepareForInference(torch::nn::Module& module);

// Floating-point operations (2 per multiply-add) of the convolutions, linear layers and attention
// products run on this thread while one is alive; nested counts each see their own.
class FlopCount {
public:
    FlopCount();
    ~FlopCount();
    FlopCount(const FlopCount&) = delete;
    FlopCount& operator=(const FlopCount&) = delete;
    double flops() const { return flops_; }
    static void add(double flops);

private:
    double flops_ = 0;
    FlopCount* outer_;
};

// GroupNorm → SiLU → conv, twice, the time embedding (when there is one) added between; a 1×1
// conv on the skip when the width changes.
struct ResnetBlockImpl : torch::nn::Module {
    ResnetBlockImpl(int in, int out, int timeDim, int groups, double eps);
    torch::Tensor forward(const torch::Tensor& x, const torch::Tensor& temb = {});
    torch::nn::GroupNorm norm1{nullptr}, norm2{nullptr};
    torch::nn::Conv2d conv1{nullptr}, conv2{nullptr}, convShortcut{nullptr};
    torch::nn::Linear timeEmbProj{nullptr};
};
TORCH_MODULE(ResnetBlock);

// diffusers' Attention with separate to_q/to_k/to_v and to_out.0.
struct AttentionImpl : torch::nn::Module {
    AttentionImpl(int queryDim, int contextDim, int heads, int headDim, bool qkvBias);
    torch::Tensor forward(const torch::Tensor& x, const torch::Tensor& context = {});
    int heads;
    torch::nn::Linear toQ{nullptr}, toK{nullptr}, toV{nullptr};
    torch::nn::ModuleList toOut{nullptr};
};
TORCH_MODULE(Attention);

// Self-attention, cross-attention on the text, GEGLU feed-forward; pre-LayerNorm and residual each.
struct TransformerBlockImpl : torch::nn::Module {
    TransformerBlockImpl(int dim, int heads, int contextDim, bool upcast);
    torch::Tensor forward(const torch::Tensor& x, const torch::Tensor& context);
    torch::nn::LayerNorm norm1{nullptr}, norm2{nullptr}, norm3{nullptr};
    Attention attn1{nullptr}, attn2{nullptr};
    torch::nn::ModuleList ffNet{nullptr};  // ff.net: 0 = GEGLU (its proj), 1 = dropout, 2 = Linear
};
TORCH_MODULE(TransformerBlock);

// Transformer2DModel: GroupNorm, proj_in (1×1 conv or Linear), one transformer block, proj_out,
// residual.
struct SpatialTransformerImpl : torch::nn::Module {
    SpatialTransformerImpl(int channels, int heads, int contextDim, int groups, bool linearProjection, bool upcast);
    torch::Tensor forward(const torch::Tensor& x, const torch::Tensor& context);
    bool linearProjection;
    torch::nn::GroupNorm norm{nullptr};
    torch::nn::Conv2d projInConv{nullptr}, projOutConv{nullptr};
    torch::nn::Linear projInLinear{nullptr}, projOutLinear{nullptr};
    TransformerBlock block{nullptr};
};
TORCH_MODULE(SpatialTransformer);

// The VAE's mid-block attention: GroupNorm, one head over all pixels, residual.
struct VaeAttentionImpl : torch::nn::Module {
    VaeAttentionImpl(int channels, int groups);
    torch::Tensor forward(const torch::Tensor& x);
    torch::nn::GroupNorm groupNorm{nullptr};
    Attention attn{nullptr};
};
TORCH_MODULE(VaeAttention);

// Downsample2D: a stride-2 3×3 conv; `asymmetricPad` pads right and bottom by one first (the VAE's).
struct DownsampleImpl : torch::nn::Module {
    DownsampleImpl(int channels, bool asymmetricPad);
    torch::Tensor forward(const torch::Tensor& x);
    bool asymmetricPad;
    torch::nn::Conv2d conv{nullptr};
};
TORCH_MODULE(Downsample);

// Upsample2D: nearest-neighbour to `size` (twice the input when empty), then a 3×3 conv.
struct UpsampleImpl : torch::nn::Module {
    explicit UpsampleImpl(int channels);
    torch::Tensor forward(const torch::Tensor& x, std::vector<int64_t> size = {});
    torch::nn::Conv2d conv{nullptr};
};
TORCH_MODULE(Upsample);

torch::nn::Conv2d conv2d(int in, int out, int kernel = 3, int stride = 1, int padding = -1);
torch::nn::GroupNorm groupNorm(int groups, int channels, double eps);

}  // namespace geo::sd
