#pragma once
// A preview of latents without the decoder: each latent pixel's 3×3 neighbourhood (all channels)
// mapped linearly to the f×f block of RGB pixels it stands for, fitted by ridge least squares on
// clean latents and the images they came from (the keyframes of a run: the pictures the path runs
// between). Costs one small matrix product, where the model's decoder costs a network evaluation
// (seconds for Stable Diffusion's VAE at 512×512); docs/image-geodesics.md gives its accuracy.
#include <ATen/core/Tensor.h>

namespace geo {

class LatentRgbMap {
public:
    LatentRgbMap() = default;
    // latents [N, C, h, w] and their images [N, 3, f·h, f·w] in [−1, 1].
    static LatentRgbMap fit(const at::Tensor& latents, const at::Tensor& images);
    bool defined() const { return weights_.defined(); }
    // [N, C, h, w] → [N, 3, f·h, f·w] float32 on the CPU, clamped to [−1, 1].
    at::Tensor apply(const at::Tensor& latents) const;

private:
    at::Tensor weights_;  // [9C + 1, 3f²] float64
    int64_t factor_ = 1;
};

}  // namespace geo
