#pragma once
// Which kind of model a path holds, and the one loader that every front end (CLI, GUI, benchmarks)
// calls: the shipped layout (unet.json beside unet.safetensors), a Stable Diffusion diffusers folder
// (model_index.json, unet/, vae/, text_encoder/) or a single .safetensors checkpoint.
#include <filesystem>
#include <functional>
#include <memory>
#include <string>

#include "diffusion/diffusion_model.h"
#include "sd/sd_source.h"

namespace geo {

enum class ModelKind { Shipped, DiffusersFolder, SingleFile };
// Decided by the path's layout alone (nothing is read): a folder with unet.json is the shipped
// layout, a file a single checkpoint, any other folder a diffusers one (whose loader names what is
// missing).
ModelKind modelKindAt(const std::filesystem::path& path);
std::string modelKindName(ModelKind kind);  // "shipped", "diffusers folder", "single file"

// progress(what, part, parts) before each part is read (parts 0: one part of unknown length).
using ModelLoadProgress = std::function<void(const std::string& what, int part, int parts)>;

// An empty path is the shipped model (defaultModelDir). Sets LibTorch's threads to the machine's
// cores first. InputError naming the file, key or value for anything unloadable.
std::shared_ptr<DiffusionModel> loadModel(const std::filesystem::path& path, const ComputeOptions& compute, const SdSourceOptions& sd = {},
                                          const ModelLoadProgress& progress = {});

}  // namespace geo
