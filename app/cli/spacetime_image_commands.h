#pragma once
// `geodesic-cli spacetime images` (the spacetime geodesic between two images, its frames and numbers)
// and `spacetime distance` (the Diffusion Edit Distance of every pair of a set).
#include <CLI/CLI.hpp>
#include <functional>

namespace cli {

// Adds to the `spacetime` command that addSpacetimeCommands made.
void addSpacetimeImageCommands(CLI::App& app, std::function<int()>& run);

}  // namespace cli
