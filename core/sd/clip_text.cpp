#include "sd/clip_text.h"

#include <ATen/TensorIndexing.h>
#include <torch/nn/functional/activation.h>
#include <torch/nn/modules/linear.h>

#include "common/errors.h"
#include "sd/sd_blocks.h"

namespace geo::sd {

namespace {

torch::nn::LayerNorm layerNorm(int dim, double eps) { return torch::nn::LayerNorm(torch::nn::LayerNormOptions({dim}).eps(eps)); }

struct ClipAttentionImpl : torch::nn::Module {
    ClipAttentionImpl(int dim, int heads_) : heads(heads_) {
        q = register_module("q_proj", torch::nn::Linear(dim, dim));
        k = register_module("k_proj", torch::nn::Linear(dim, dim));
        v = register_module("v_proj", torch::nn::Linear(dim, dim));
        out = register_module("out_proj", torch::nn::Linear(dim, dim));
    }
    torch::Tensor forward(const torch::Tensor& x) { return out(attention(q(x), k(x), v(x), heads, true)); }
    int heads;
    torch::nn::Linear q{nullptr}, k{nullptr}, v{nullptr}, out{nullptr};
};
TORCH_MODULE(ClipAttention);

struct ClipMlpImpl : torch::nn::Module {
    ClipMlpImpl(int dim, int hidden, bool quick_) : quick(quick_) {
        fc1 = register_module("fc1", torch::nn::Linear(dim, hidden));
        fc2 = register_module("fc2", torch::nn::Linear(hidden, dim));
    }
    torch::Tensor forward(const torch::Tensor& x) {
        const torch::Tensor h = fc1(x);
        return fc2(quick ? h * torch::sigmoid(1.702 * h) : torch::nn::functional::gelu(h));
    }
    bool quick;
    torch::nn::Linear fc1{nullptr}, fc2{nullptr};
};
TORCH_MODULE(ClipMlp);

struct ClipLayerImpl : torch::nn::Module {
    explicit ClipLayerImpl(const ClipTextConfig& c) {
        norm1 = register_module("layer_norm1", layerNorm(c.hidden, c.layerNormEps));
        attn = register_module("self_attn", ClipAttention(c.hidden, c.heads));
        norm2 = register_module("layer_norm2", layerNorm(c.hidden, c.layerNormEps));
        mlp = register_module("mlp", ClipMlp(c.hidden, c.intermediate, c.activation == "quick_gelu"));
    }
    torch::Tensor forward(const torch::Tensor& x) {
        const torch::Tensor h = x + attn(norm1(x));
        return h + mlp(norm2(h));
    }
    torch::nn::LayerNorm norm1{nullptr}, norm2{nullptr};
    ClipAttention attn{nullptr};
    ClipMlp mlp{nullptr};
};

}  // namespace

ClipTextImpl::ClipTextImpl(const ClipTextConfig& c) : config_(c) {
    auto textModel = std::make_shared<torch::nn::Module>();
    auto embeddings = std::make_shared<torch::nn::Module>();
    tokens_ = embeddings->register_module("token_embedding", torch::nn::Embedding(c.vocabSize, c.hidden));
    positions_ = embeddings->register_module("position_embedding", torch::nn::Embedding(c.maxPositions, c.hidden));
    textModel->register_module("embeddings", embeddings);
    auto encoder = std::make_shared<torch::nn::Module>();
    layers_ = encoder->register_module("layers", torch::nn::ModuleList());
    for (int i = 0; i < c.layers; ++i) layers_->push_back(std::make_shared<ClipLayerImpl>(c));
    textModel->register_module("encoder", encoder);
    finalNorm_ = textModel->register_module("final_layer_norm", layerNorm(c.hidden, c.layerNormEps));
    register_module("text_model", textModel);
}

TextEncoding ClipTextImpl::forward(const torch::Tensor& ids) {
    if (ids.dim() != 2 || ids.size(1) > config_.maxPositions)
        throw InputError("token ids must be [batch, length ≤ " + std::to_string(config_.maxPositions) + "]");
    if (ids.numel() > 0 && (ids.min().item<int64_t>() < 0 || ids.max().item<int64_t>() >= config_.vocabSize))
        throw InputError("token ids must lie in [0, " + std::to_string(config_.vocabSize) + ")");
    const torch::Tensor positions = torch::arange(ids.size(1), torch::TensorOptions().dtype(torch::kLong).device(ids.device()));
    torch::Tensor h = tokens_(ids) + positions_(positions).unsqueeze(0);
    torch::Tensor previous = h;
    for (size_t i = 0; i < layers_->size(); ++i) {
        previous = h;
        h = layers_[i]->as<ClipLayerImpl>()->forward(h);
    }
    TextEncoding out;
    out.lastHidden = finalNorm_(h);
    out.penultimateNormed = finalNorm_(previous);
    const torch::Tensor eos = ids.argmax(1);
    out.pooled = out.lastHidden.index({torch::arange(ids.size(0), eos.options()), eos});
    return out;
}

}  // namespace geo::sd
