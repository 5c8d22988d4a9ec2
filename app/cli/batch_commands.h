#pragma once
// `batch` (every pair of a CSV: geodesic, baseline and their metrics, one folder per pair,
// resumable, shardable) and `batch-report` (the shards' results merged into tables and plots).
#include <CLI/CLI.hpp>
#include <functional>

namespace cli {

void addBatchCommands(CLI::App& app, std::function<int()>& run);

}  // namespace cli
