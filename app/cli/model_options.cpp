#include "model_options.h"

#include <iostream>

#include "common/resources.h"
#include "nn/image_tensor.h"
#include "nn/state_dict.h"
#include "models/model_loader.h"

namespace cli {

namespace fs = std::filesystem;

void addModelOptions(CLI::App& c, ModelOptions& o) {
    c.add_option("--model", o.model, "the shipped model's folder, a Stable Diffusion 1.x/2.x diffusers folder or .safetensors file (default: the shipped model)");
    c.add_option("--device", o.compute.device, "auto (CUDA when available), cpu, cuda, cuda:N");
    c.add_option("--dtype", o.compute.dtype, "auto (per network: bfloat16 for Stable Diffusion on CPUs with bfloat16 units, float16 on CUDA, float32 otherwise), float32, float16 (CUDA), bfloat16");
    c.add_option("--config", o.sd.configDir, "for a single-file checkpoint: a diffusers folder whose unet/, vae/, text_encoder/ config.json describe it (default: from its shapes)");
    c.add_option("--prediction", o.sd.prediction, "what the UNet predicts, overriding the scheduler config: epsilon, v_prediction, sample")
        ->check(CLI::IsMember({"epsilon", "v_prediction", "sample"}));
}

fs::path modelPath(const std::string& option) { return option.empty() ? geo::defaultModelDir() : fs::path(option); }

std::shared_ptr<geo::DiffusionModel> loadModel(const ModelOptions& o) {
    return geo::loadModel(modelPath(o.model), o.compute, o.sd, [](const std::string& what, int, int parts) {
        if (parts > 0) std::cerr << "reading the " << what << "…\n";
    });
}

at::Tensor readImages(const std::vector<std::string>& paths, int size) {
    std::vector<geo::RgbImage> images;
    for (const std::string& path : paths) {
        std::string warning;
        images.push_back(geo::readImageAsSquare(path, size, &warning));
        if (!warning.empty()) std::cerr << "geodesic-cli: warning: " << warning << '\n';
    }
    return geo::imagesToTensor(images);
}

}  // namespace cli
