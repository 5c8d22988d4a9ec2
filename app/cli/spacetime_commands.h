#pragma once
// The spacetime commands of geodesic-cli: `spacetime bvp`, `spacetime pfode`, `spacetime edit-distance`.
#include <CLI/CLI.hpp>
#include <functional>

namespace cli {

void addSpacetimeCommands(CLI::App& app, std::function<int()>& run);

}  // namespace cli
