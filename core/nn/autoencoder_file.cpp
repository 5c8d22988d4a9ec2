#include "nn/autoencoder_file.h"

#include <nlohmann/json.hpp>

#include "common/errors.h"
#include "io/json_file.h"
#include "nn/state_dict.h"
#include "safetensors/safetensors.h"

namespace geo {

namespace {
constexpr int kDownsampling = 4;      // two stride-2 stages
constexpr int kMaxImageSize = 2048;
}  // namespace

LoadedAutoencoder loadAutoencoder(const std::filesystem::path& dir) {
    const std::filesystem::path configPath = dir / "autoencoder.json";
    const nlohmann::json c = objectIn(readJsonFile(configPath), configPath);
    // What the trainer writes (train_autoencoder.cpp): anything else is a misspelling or another format.
    checkKnownKeys(c, {"architecture", "channels", "latent_channels", "decoder_head", "decoder_width", "decoder_for", "downsampling", "image_size",
                       "latent_scale", "batch", "learning_rate", "train_scenes", "data_seed", "training_data", "steps", "held_out_psnr_db",
                       "held_out_scenes", "painted_psnr_db"},
                   configPath.string());
    auto integer = [&](const char* key) { return positiveIntAt(c, key, configPath); };
    if (stringOr(c, "architecture", "", configPath) != "autoencoder")
        throw InputError(configPath.string() + ": \"architecture\" must be \"autoencoder\"");
    if (intOr(c, "downsampling", kDownsampling, configPath) != kDownsampling)
        throw InputError(configPath.string() + ": \"downsampling\" must be " + std::to_string(kDownsampling) + " (the autoencoder's fixed architecture)");
    LoadedAutoencoder out;
    const std::string head = stringOr(c, "decoder_head", "upsample", configPath);
    if (head != "upsample" && head != "pixel-shuffle")
        throw InputError(configPath.string() + ": \"decoder_head\" must be \"upsample\" or \"pixel-shuffle\"");
    const int width = c.contains("decoder_width") ? integer("decoder_width") : 0;
    out.network = Autoencoder(AutoencoderConfig{integer("channels"), integer("latent_channels"), head, width});
    out.imageSize = integer("image_size");
    if (out.imageSize % kDownsampling != 0 || out.imageSize > kMaxImageSize)
        throw InputError(configPath.string() + ": \"image_size\" must be a multiple of " + std::to_string(kDownsampling) + " up to " +
                         std::to_string(kMaxImageSize) + " (the autoencoder halves it twice), not " + std::to_string(out.imageSize));
    out.latentScale = positiveNumberAt(c, "latent_scale", configPath);
    loadStateDict(*out.network, SafetensorsFile(dir / "autoencoder.safetensors"));
    out.network->eval();
    return out;
}

}  // namespace geo
