#pragma once
// `geodesic-cli scenes`: procedural CLEVR-like scenes and videos as PNG files.
#include <CLI/CLI.hpp>
#include <functional>

namespace cli {

void addSceneCommands(CLI::App& app, std::function<int()>& run);

}  // namespace cli
