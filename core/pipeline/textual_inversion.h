#pragma once
// Textual inversion per keyframe (or jointly over a video's frames), as the published code does it (density-geodesics.md §3.2): the
// whole text embedding of the prompt (77 × D, not a new token) optimised by AdamW (lr 0.005, weight
// decay 0.01, 500 steps, batch 2 of the same latent) so that the model predicts the noise of that
// image's latent at random timesteps: loss = |ε_θ(√ᾱ_τ z0 + √(1−ᾱ_τ) ε, τ, c) − ε|², τ ~ U{0 … 999}
// per row. Results are cached on disk, keyed by the image's latent, the model, the prompt and every
// setting, so a second run with the same inputs reads the file instead of optimising again.
#include <ATen/core/Tensor.h>
#include <filesystem>
#include <functional>
#include <string>
#include <vector>

#include "diffusion/diffusion_model.h"
#include "common/solve_control.h"

namespace geo {

struct TextualInversionOptions {
    int steps = 500;
    double learningRate = 0.005;
    double weightDecay = 0.01;  // AdamW's default, decaying toward 0 (pitfall 13), kept for fidelity
    int batch = 2;
    uint64_t seed = 0;
    std::filesystem::path cacheDir;  // empty: $XDG_CACHE_HOME (or ~/.cache)/geodesic-explorer/textual-inversion
};

struct TextualInversion {
    at::Tensor embedding;        // [1, L, D] float32 on the CPU
    std::vector<double> losses;  // one per step (empty when read from the cache)
    bool fromCache = false;
    std::filesystem::path cacheFile;
};

// cleanLatent: [N, C, H, W] scaled, as DiffusionModel::encode gives it. N = 1: one image, as above.
// N > 1: one embedding for all of them (§7's joint inversion over a video's frames): each batch row
// draws its latent uniformly from the N.
TextualInversion invertPrompt(const DiffusionModel& model, const at::Tensor& cleanLatent, const std::string& prompt,
                              const TextualInversionOptions& options, const SolveControl& control = {},
                              const std::function<void(int done, int total, double loss)>& progress = {});

}  // namespace geo
