#pragma once
// Which data the spacetime geometry can be computed for exactly, by name or file: Gaussian mixtures
// (closed-form posteriors at every noise level). `mixture-1d` is the paper's 1-D toy,
// 0.275·N(−2.5, 0.75²) + 0.45·N(0.5, 0.75²) + 0.275·N(2.5, 0.75²); the 2-D mixture presets of the toy
// mode work as well.
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "field/gaussian_mixture.h"
#include "spacetime/denoiser.h"

namespace geo {

std::shared_ptr<const GaussianMixture> paperToyMixture();

std::vector<std::string> spacetimePresetNames();
// InputError for unknown names and for data without an exact denoiser (Müller–Brown, for now).
std::shared_ptr<const Denoiser> spacetimeDenoiserFromPreset(const std::string& name);
std::shared_ptr<const Denoiser> spacetimeDenoiserFromFile(const std::filesystem::path& path);

}  // namespace geo
