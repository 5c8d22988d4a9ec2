#pragma once
// Which data the spacetime geometry can be computed for exactly, by name or file: Gaussian mixtures
// (closed-form posteriors at every noise level) and Müller–Brown (grid quadrature). `mixture-1d` is
// the paper's 1-D toy, 0.275·N(−2.5, 0.75²) + 0.45·N(0.5, 0.75²) + 0.275·N(2.5, 0.75²); the toy mode's
// 2-D presets work as well. Files must hold Gaussian mixtures.
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "field/gaussian_mixture.h"
#include "spacetime/denoiser.h"

namespace geo {

std::shared_ptr<const GaussianMixture> paperToyMixture();
// The Müller–Brown density exp(−U/20) of the toy mode with its quadrature denoiser.
std::shared_ptr<const Denoiser> muellerBrownDenoiser(std::shared_ptr<const Field> mullerBrown);

std::vector<std::string> spacetimePresetNames();
// InputError for unknown names and for files that are not Gaussian mixtures.
std::shared_ptr<const Denoiser> spacetimeDenoiserFromPreset(const std::string& name);
std::shared_ptr<const Denoiser> spacetimeDenoiserFromFile(const std::filesystem::path& path);
// The exact denoiser of a field: closed form for Gaussian mixtures, quadrature for Müller–Brown;
// InputError naming `what` otherwise.
std::shared_ptr<const Denoiser> exactSpacetimeDenoiser(const std::shared_ptr<const Field>& field, const std::string& what);

}  // namespace geo
