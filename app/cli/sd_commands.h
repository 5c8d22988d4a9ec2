#pragma once
// `sd info` and `sd run`: what a Stable Diffusion path holds, and one of its networks on tensors
// from a safetensors file (for research and for checking the port against reference outputs).
#include <CLI/CLI.hpp>
#include <functional>

namespace cli {

void addSdCommands(CLI::App& app, std::function<int()>& run);

}  // namespace cli
