#include "pipeline/latent_rgb_map.h"

#include <ATen/ATen.h>

#include "common/errors.h"

namespace geo {

namespace {

// One row per latent pixel: its 3×3 neighbourhood (zero-padded) and a constant 1.
at::Tensor features(const at::Tensor& latents) {
    const at::Tensor z = latents.to(at::kCPU, at::kDouble).contiguous();
    const at::Tensor patches = at::im2col(z, {3, 3}, {1, 1}, {1, 1}, {1, 1});  // [N, 9C, h·w]
    const at::Tensor rows = patches.permute({0, 2, 1}).reshape({-1, patches.size(1)});
    return at::cat({rows, at::ones({rows.size(0), 1}, rows.options())}, 1);
}

}  // namespace

LatentRgbMap LatentRgbMap::fit(const at::Tensor& latents, const at::Tensor& images) {
    if (latents.dim() != 4 || images.dim() != 4 || latents.size(0) != images.size(0) || images.size(1) != 3 || latents.size(2) < 1 ||
        images.size(2) % latents.size(2) != 0 || images.size(2) / latents.size(2) != images.size(3) / latents.size(3))
        throw InputError("a latent preview map is fitted on latents and the images they encode");
    LatentRgbMap m;
    m.factor_ = images.size(2) / latents.size(2);
    const at::Tensor x = features(latents);
    // [N, 3f², h, w]: each latent pixel's block of RGB values, in the order pixel_shuffle undoes.
    const at::Tensor blocks = at::pixel_unshuffle(images.to(at::kCPU, at::kDouble), m.factor_);
    const at::Tensor y = blocks.permute({0, 2, 3, 1}).reshape({-1, blocks.size(1)});
    // Ridge: a few images give thousands of rows for 9C + 1 unknowns, but neighbouring latents are
    // correlated; a small multiple of the mean diagonal keeps the solve well posed.
    at::Tensor gram = at::matmul(x.t(), x);
    const double ridge = 1e-3 * gram.diagonal().mean().item<double>();
    gram += ridge * at::eye(gram.size(0), gram.options());
    m.weights_ = at::linalg_solve(gram, at::matmul(x.t(), y));
    if (!at::isfinite(m.weights_).all().item<bool>()) throw InputError("the latent preview map could not be fitted (non-finite latents?)");
    return m;
}

at::Tensor LatentRgbMap::apply(const at::Tensor& latents) const {
    if (!defined()) throw std::logic_error("LatentRgbMap::apply before fit");
    const int64_t n = latents.size(0), h = latents.size(2), w = latents.size(3);
    const at::Tensor y = at::matmul(features(latents), weights_);  // [N·h·w, 3f²]
    const at::Tensor blocks = y.reshape({n, h, w, -1}).permute({0, 3, 1, 2});
    return at::pixel_shuffle(blocks, factor_).clamp(-1, 1).to(at::kFloat).contiguous();
}

}  // namespace geo
