#pragma once
// `interpolate` and `extrapolate`: density geodesics between the user's own images through a
// model's latent space, with the slerp baseline beside them (core/pipeline).
#include <CLI/CLI.hpp>
#include <functional>

namespace cli {

void addImageCommands(CLI::App& app, std::function<int()>& run);

}  // namespace cli
