#pragma once
// The CLIP text encoder (transformers' CLIPTextModel layout: text_model.embeddings…,
// text_model.encoder.layers.N…, text_model.final_layer_norm).
#include <torch/nn/module.h>
#include <torch/nn/modules/container/modulelist.h>
#include <torch/nn/modules/embedding.h>
#include <torch/nn/modules/normalization.h>

#include "sd/sd_config.h"

namespace geo::sd {

struct TextEncoding {
    torch::Tensor lastHidden;         // final_layer_norm(output of the last layer): what SD 1.x conditions on
    torch::Tensor penultimateNormed;  // final_layer_norm(output of the layer before): SD 2.x's "penultimate"
    torch::Tensor pooled;             // lastHidden at the first end-of-text token (the largest id)
};

class ClipTextImpl : public torch::nn::Module {
public:
    explicit ClipTextImpl(const ClipTextConfig& config);
    TextEncoding forward(const torch::Tensor& inputIds);  // [B, L ≤ max positions], int64
    const ClipTextConfig& config() const { return config_; }

private:
    ClipTextConfig config_;
    torch::nn::Embedding tokens_{nullptr}, positions_{nullptr};
    torch::nn::ModuleList layers_{nullptr};
    torch::nn::LayerNorm finalNorm_{nullptr};
};
TORCH_MODULE(ClipText);

}  // namespace geo::sd
