#include "nn/autoencoder_file.h"

#include <nlohmann/json.hpp>

#include "common/errors.h"
#include "io/json_file.h"
#include "nn/state_dict.h"
#include "safetensors/safetensors.h"

namespace geo {

LoadedAutoencoder loadAutoencoder(const std::filesystem::path& dir) {
    const std::filesystem::path configPath = dir / "autoencoder.json";
    const nlohmann::json c = readJsonFile(configPath);
    auto integer = [&](const char* key) { return positiveIntAt(c, key, configPath); };
    if (c.value("architecture", "") != "autoencoder")
        throw InputError(configPath.string() + ": \"architecture\" must be \"autoencoder\"");
    LoadedAutoencoder out;
    const std::string head = c.value("decoder_head", "upsample");
    if (head != "upsample" && head != "pixel-shuffle")
        throw InputError(configPath.string() + ": \"decoder_head\" must be \"upsample\" or \"pixel-shuffle\"");
    const int width = c.contains("decoder_width") ? integer("decoder_width") : 0;
    out.network = Autoencoder(AutoencoderConfig{integer("channels"), integer("latent_channels"), head, width});
    out.imageSize = integer("image_size");
    out.latentScale = positiveNumberAt(c, "latent_scale", configPath);
    loadStateDict(*out.network, SafetensorsFile(dir / "autoencoder.safetensors"));
    out.network->eval();
    return out;
}

}  // namespace geo
