#include "models/model_loader.h"

#include "common/machine.h"
#include "common/named_values.h"
#include "common/resources.h"
#include "nn/state_dict.h"
#include "sd/sd_model.h"

namespace geo {

namespace fs = std::filesystem;

ModelKind modelKindAt(const fs::path& path) {
    if (fs::is_regular_file(path / "unet.json")) return ModelKind::Shipped;
    if (fs::is_regular_file(path)) return ModelKind::SingleFile;
    return ModelKind::DiffusersFolder;
}

std::string modelKindName(ModelKind kind) {
    return nameOf(kind, {{ModelKind::Shipped, "shipped"}, {ModelKind::DiffusersFolder, "diffusers folder"}, {ModelKind::SingleFile, "single file"}});
}

std::shared_ptr<DiffusionModel> loadModel(const fs::path& path, const ComputeOptions& compute, const SdSourceOptions& sd,
                                          const ModelLoadProgress& progress) {
    useAllCoresForTorch();
    warnIfReferenceBlas();
    const fs::path p = path.empty() ? defaultModelDir() : path;
    if (modelKindAt(p) == ModelKind::Shipped) {
        if (progress) progress("shipped model", 0, 0);
        return DiffusionModel::load(p, compute);
    }
    int part = 0;
    constexpr int kParts = 3;  // UNet, VAE, text encoder
    return loadStableDiffusion(p, compute, sd, [&](const std::string& what) {
        if (progress) progress(what, part++, kParts);
    });
}

}  // namespace geo
