#pragma once
// `video-analysis` (is a video a geodesic of the model?) and `metrics` (sequence metrics of any
// frames): density-geodesics.md §7 and §8.
#include <CLI/CLI.hpp>
#include <functional>

namespace cli {

void addAnalysisCommands(CLI::App& app, std::function<int()>& run);

}  // namespace cli
