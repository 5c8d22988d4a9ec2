#pragma once
// The toy-mode commands of geodesic-cli: `toy bvp`, `toy ivp`, `figure1` and `presets`.
#include <CLI/CLI.hpp>
#include <functional>

namespace cli {

// Adds the commands to app; each sets `run` to its action when it is chosen on the command line.
void addToyCommands(CLI::App& app, std::function<int()>& run);

}  // namespace cli
