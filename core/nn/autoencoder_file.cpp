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
    auto integer = [&](const char* key) {
        if (!c.contains(key) || !c[key].is_number_integer() || c[key].get<int>() < 1)
            throw InputError(configPath.string() + ": \"" + key + "\" must be a positive integer");
        return c[key].get<int>();
    };
    if (c.value("architecture", "") != "autoencoder")
        throw InputError(configPath.string() + ": \"architecture\" must be \"autoencoder\"");
    LoadedAutoencoder out;
    const std::string head = c.value("decoder_head", "upsample");
    if (head != "upsample" && head != "pixel-shuffle")
        throw InputError(configPath.string() + ": \"decoder_head\" must be \"upsample\" or \"pixel-shuffle\"");
    const int width = c.contains("decoder_width") ? integer("decoder_width") : 0;
    out.network = Autoencoder(AutoencoderConfig{integer("channels"), integer("latent_channels"), head, width});
    out.imageSize = integer("image_size");
    if (!c.contains("latent_scale") || !c["latent_scale"].is_number() || !(c["latent_scale"].get<double>() > 0))
        throw InputError(configPath.string() + ": \"latent_scale\" must be a positive number");
    out.latentScale = c["latent_scale"].get<double>();
    loadStateDict(*out.network, SafetensorsFile(dir / "autoencoder.safetensors"));
    out.network->eval();
    return out;
}

}  // namespace geo
