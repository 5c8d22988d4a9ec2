#include "nn/state_dict.h"

#include <torch/torch.h>

#include <algorithm>
#include <set>
#include <thread>

#include "common/errors.h"
#include "safetensors/safetensors.h"

namespace geo {

namespace {

std::vector<std::pair<std::string, torch::Tensor>> namedTensors(const torch::nn::Module& m) {
    std::vector<std::pair<std::string, torch::Tensor>> out;
    for (const auto& p : m.named_parameters(true)) out.emplace_back(p.key(), p.value());
    for (const auto& b : m.named_buffers(true)) out.emplace_back(b.key(), b.value());
    return out;
}

std::string joined(const std::vector<std::string>& names) {
    std::string out;
    const size_t shown = std::min<size_t>(names.size(), 8);
    for (size_t i = 0; i < shown; ++i) out += (i ? ", " : "") + names[i];
    if (names.size() > shown) out += " and " + std::to_string(names.size() - shown) + " more";
    return out;
}

}  // namespace

void loadStateDict(torch::nn::Module& module, const SafetensorsFile& file, const std::vector<std::string>& ignoredKeys) {
    const std::string where = file.path().string() + ": ";
    std::vector<std::string> missing, misshaped;
    std::set<std::string> used(ignoredKeys.begin(), ignoredKeys.end());
    const auto tensors = namedTensors(module);
    for (const auto& [name, target] : tensors) {
        const TensorInfo* info = file.find(name);
        if (!info) {
            missing.push_back(name);
            continue;
        }
        used.insert(name);
        if (!std::equal(info->shape.begin(), info->shape.end(), target.sizes().begin(), target.sizes().end()))
            misshaped.push_back(name + " (file " + shapeText(info->shape) + ", model " + shapeText({target.sizes().data(), target.sizes().size()}) + ")");
    }
    std::vector<std::string> extra;
    for (const TensorInfo& t : file.tensors())
        if (!used.count(t.name)) extra.push_back(t.name);
    if (!missing.empty()) throw InputError(where + "missing " + std::to_string(missing.size()) + " key(s): " + joined(missing));
    if (!misshaped.empty()) throw InputError(where + "wrong shape for " + joined(misshaped));
    if (!extra.empty()) throw InputError(where + "unexpected key(s) the model does not have: " + joined(extra));

    torch::NoGradGuard noGrad;
    for (const auto& [name, target] : tensors) {
        std::vector<float> values = file.toFloat(name);
        const torch::Tensor source = torch::from_blob(values.data(), target.sizes(), torch::kFloat32);
        target.copy_(source.to(target.device(), target.scalar_type()));
    }
}

void saveTensors(const std::filesystem::path& path, const std::vector<std::pair<std::string, at::Tensor>>& tensors,
                 const std::map<std::string, std::string>& metadata) {
    std::vector<torch::Tensor> keep;  // owns the float32 CPU copies while they are written
    std::vector<TensorToWrite> out;
    for (const auto& [name, t] : tensors) {
        keep.push_back(t.detach().to(torch::kCPU, torch::kFloat32).contiguous());
        const torch::Tensor& c = keep.back();
        out.push_back({name, Dtype::F32, std::vector<int64_t>(c.sizes().begin(), c.sizes().end()),
                       {reinterpret_cast<const std::byte*>(c.data_ptr<float>()), static_cast<size_t>(c.numel()) * 4}});
    }
    writeSafetensors(path, out, metadata);
}

void saveStateDict(const torch::nn::Module& module, const std::filesystem::path& path,
                   const std::map<std::string, std::string>& metadata) {
    saveTensors(path, namedTensors(module), metadata);
}

void useAllCoresForTorch() { at::set_num_threads(static_cast<int>(std::max(1u, std::thread::hardware_concurrency()))); }

}  // namespace geo
