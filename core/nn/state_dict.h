#pragma once
// Network weights by name: every parameter and buffer of a module is the tensor of the same name in
// a safetensors file. A missing, mis-shaped or unexpected key is an InputError that names it.
#include <ATen/core/Tensor.h>

#include <filesystem>
#include <map>
#include <string>
#include <vector>

namespace torch::nn {
class Module;
}

namespace geo {

class SafetensorsFile;

// `ignoredKeys`: names in the file the module may lack (e.g. position_ids buffers some checkpoints carry).
void loadStateDict(torch::nn::Module& module, const SafetensorsFile& file, const std::vector<std::string>& ignoredKeys = {});
void saveStateDict(const torch::nn::Module& module, const std::filesystem::path& path,
                   const std::map<std::string, std::string>& metadata = {});

// Named tensors (any device and float dtype) written as float32 safetensors.
void saveTensors(const std::filesystem::path& path, const std::vector<std::pair<std::string, at::Tensor>>& tensors,
                 const std::map<std::string, std::string>& metadata = {});

// Uses every core for LibTorch's intra-op parallelism (it starts with one thread on some builds).
void useAllCoresForTorch();

}  // namespace geo
