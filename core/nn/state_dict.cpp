#include "nn/state_dict.h"

#include <torch/torch.h>

#include <algorithm>
#include <cstring>
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

std::vector<int64_t> WeightSource::shape() const {
    std::vector<int64_t> s = file->at(key).shape;
    if (rows >= 0 && !s.empty()) s[0] = rows;
    if (dropUnitDims)
        while (s.size() > 2 && s.back() == 1) s.pop_back();
    return s;
}

at::Tensor readTensor(const SafetensorsFile& file, const std::string& key) {
    const TensorInfo& info = file.at(key);
    c10::ScalarType type;
    switch (info.dtype) {
        case Dtype::F64: type = torch::kDouble; break;
        case Dtype::F32: type = torch::kFloat; break;
        case Dtype::F16: type = torch::kHalf; break;
        case Dtype::BF16: type = torch::kBFloat16; break;
        case Dtype::I64: type = torch::kLong; break;
        case Dtype::I32: type = torch::kInt; break;
        default: throw InputError(file.path().string() + ": tensor \"" + key + "\" is " + dtypeName(info.dtype) + ", which no network reads");
    }
    const auto bytes = file.bytes(info);
    // The mapping is read-only and may be unaligned for the type: copy it out byte-wise first.
    at::Tensor out = torch::empty(info.shape, torch::TensorOptions().dtype(type));
    std::memcpy(out.data_ptr(), bytes.data(), bytes.size());
    return out;
}

void loadWeights(torch::nn::Module& module, const WeightMap& weights) {
    const std::string where = weights.where + ": ";
    std::vector<std::string> missing = weights.absent, misshaped;
    std::set<std::string> used;
    const auto tensors = namedTensors(module);
    auto label = [](const std::string& name, const WeightSource& s) { return s.key == name ? name : name + " [" + s.key + "]"; };
    for (const auto& [name, target] : tensors) {
        const auto it = weights.sources.find(name);
        if (it == weights.sources.end()) {
            if (weights.absent.empty()) missing.push_back(name);
            continue;
        }
        used.insert(name);
        const std::vector<int64_t> shape = it->second.shape();
        if (!std::equal(shape.begin(), shape.end(), target.sizes().begin(), target.sizes().end()))
            misshaped.push_back(label(name, it->second) + " (file " + shapeText(shape) + ", model " + shapeText({target.sizes().data(), target.sizes().size()}) + ")");
    }
    std::vector<std::string> extra = weights.unread;
    for (const auto& [name, source] : weights.sources)
        if (!used.count(name)) extra.push_back(source.key);
    if (!missing.empty()) throw InputError(where + "missing " + std::to_string(missing.size()) + " key(s): " + joined(missing));
    if (!misshaped.empty()) throw InputError(where + "wrong shape for " + joined(misshaped));
    if (!extra.empty()) throw InputError(where + "unexpected key(s) the model does not have: " + joined(extra));

    torch::NoGradGuard noGrad;
    for (const auto& [name, target] : tensors) {
        const WeightSource& s = weights.sources.at(name);
        at::Tensor source = readTensor(*s.file, s.key);
        if (s.rows >= 0) source = source.narrow(0, s.rowBegin, s.rows);
        const at::Tensor values = source.reshape(target.sizes()).to(target.scalar_type());
        if (!torch::isfinite(values).all().item<bool>()) throw InputError(where + "tensor \"" + s.key + "\" holds NaN or infinite values");
        target.copy_(values);
    }
}

void loadStateDict(torch::nn::Module& module, const SafetensorsFile& file, const std::vector<std::string>& ignoredKeys) {
    WeightMap weights;
    weights.where = file.path().string();
    const std::set<std::string> ignored(ignoredKeys.begin(), ignoredKeys.end());
    for (const TensorInfo& t : file.tensors())
        if (!ignored.count(t.name)) weights.sources[t.name] = WeightSource{&file, t.name};
    loadWeights(module, weights);
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
