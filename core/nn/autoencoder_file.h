#pragma once
// An autoencoder as a model folder holds it: autoencoder.json (architecture, latent scale, image
// size) beside autoencoder.safetensors.
#include <filesystem>

#include "nn/autoencoder.h"

namespace geo {

struct LoadedAutoencoder {
    Autoencoder network{nullptr};
    double latentScale = 1;
    int imageSize = 64;
};

LoadedAutoencoder loadAutoencoder(const std::filesystem::path& modelDir);  // InputError naming the file and key

}  // namespace geo
