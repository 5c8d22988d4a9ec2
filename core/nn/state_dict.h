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
struct TensorInfo;

// Where one tensor of a module comes from: a key of a file, optionally a block of rows of it (a fused
// q/k/v projection split in three) or with trailing 1×1 dimensions dropped (a 1×1 conv stored for a
// Linear).
struct WeightSource {
    const SafetensorsFile* file = nullptr;
    std::string key;
    int64_t rowBegin = 0, rows = -1;  // rows < 0: all of them
    bool dropUnitDims = false;
    std::vector<int64_t> shape() const;  // as the module sees it
};
// Module tensor name → its source, plus the keys of the files nothing reads (reported as unexpected).
struct WeightMap {
    std::map<std::string, WeightSource> sources;
    std::vector<std::string> unread;
    std::vector<std::string> absent;  // keys a renaming expected that the files lack (reported as missing)
    std::string where;  // the file or folder, for messages
};
// Every module tensor from its source, converted to the module's dtype; one InputError lists every
// missing, mis-shaped and unexpected name (by the module's name; the file key in brackets where it
// differs).
void loadWeights(torch::nn::Module& module, const WeightMap& weights);
// `key` of `file` as a CPU tensor in its stored dtype (F64, F32, F16, BF16, I64), sharing no memory
// with the file.
at::Tensor readTensor(const SafetensorsFile& file, const std::string& key);

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
