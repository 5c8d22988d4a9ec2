#pragma once
// The options every command that runs a network shares: which model, on which device, in which
// dtype, and for Stable Diffusion single files what their shapes cannot say.
#include <CLI/CLI.hpp>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include <ATen/core/Tensor.h>

#include "diffusion/diffusion_model.h"
#include "sd/sd_source.h"

namespace cli {

struct ModelOptions {
    std::string model;
    geo::ComputeOptions compute;
    geo::SdSourceOptions sd;
};

void addModelOptions(CLI::App& c, ModelOptions& o);
// --model, or the shipped model when it is not given.
std::filesystem::path modelPath(const std::string& option);
// Loads without a word on standard output; Stable Diffusion's components are announced on standard
// error as they are read (a full-size model takes a while).
std::shared_ptr<geo::DiffusionModel> loadModel(const ModelOptions& o);
// Images of any size and format, centre-cropped and resized to size × size (a warning on standard
// error when so), as [N, 3, size, size] in [−1, 1]. Every file is read before any is used.
at::Tensor readImages(const std::vector<std::string>& paths, int size);

}  // namespace cli
