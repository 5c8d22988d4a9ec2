#include "model_commands.h"

#include <torch/torch.h>

#include <cstdio>
#include <iostream>
#include <memory>

#include "common/atomic_file.h"
#include "common/errors.h"
#include "common/resources.h"
#include "nn/autoencoder_file.h"
#include "nn/image_tensor.h"
#include "nn/state_dict.h"

namespace cli {

namespace {

struct ReconstructOptions {
    std::string model, out;
    std::vector<std::string> images;
};

int reconstruct(const ReconstructOptions& o) {
    const std::filesystem::path dir = o.model.empty() ? geo::defaultModelDir() : std::filesystem::path(o.model);
    geo::useAllCoresForTorch();
    const geo::LoadedAutoencoder ae = geo::loadAutoencoder(dir);
    std::vector<geo::RgbImage> inputs;
    for (const std::string& path : o.images) {  // read them all first: a bad file stops the run before any output
        std::string warning;
        inputs.push_back(geo::readImageAsSquare(path, ae.imageSize, &warning));
        if (!warning.empty()) std::cerr << "geodesic-cli: warning: " << warning << '\n';
    }
    geo::ensureFolder(o.out);
    torch::NoGradGuard noGrad;
    for (size_t i = 0; i < inputs.size(); ++i) {
        const at::Tensor x = geo::imagesToTensor({inputs[i]});
        const at::Tensor y = ae.network->decode(ae.network->encode(x));
        const std::filesystem::path target = std::filesystem::path(o.out) / (std::filesystem::path(o.images[i]).stem().string() + ".png");
        geo::writePng(target, geo::tensorToImage(y[0]));
        std::printf("%s -> %s  PSNR %.2f dB\n", o.images[i].c_str(), target.c_str(), geo::psnr(y, x));
    }
    return 0;
}

}  // namespace

void addModelCommands(CLI::App& app, std::function<int()>& run) {
    auto o = std::make_shared<ReconstructOptions>();
    auto* r = app.add_subcommand("reconstruct", "encode and decode images with the model's autoencoder");
    r->add_option("--model", o->model, "model folder (default: the shipped model)");
    r->add_option("images", o->images, "images of any size and format OpenCV reads")->required();
    r->add_option("--out", o->out, "output folder (created when missing)")->required();
    r->callback([&run, o] { run = [o] { return reconstruct(*o); }; });
}

}  // namespace cli
