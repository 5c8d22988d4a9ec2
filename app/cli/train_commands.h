#pragma once
// `geodesic-cli train autoencoder`: train the shipped model's networks on rendered scenes.
#include <CLI/CLI.hpp>
#include <functional>

namespace cli {

void addTrainCommands(CLI::App& app, std::function<int()>& run);

}  // namespace cli
