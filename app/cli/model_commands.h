#pragma once
// Commands that run the shipped (or a named) model: `reconstruct` now; `sample` and `invert` to come.
#include <CLI/CLI.hpp>
#include <functional>

namespace cli {

void addModelCommands(CLI::App& app, std::function<int()>& run);

}  // namespace cli
