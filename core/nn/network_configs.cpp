#include "nn/network_configs.h"

#include "common/errors.h"
#include "io/json_file.h"

namespace geo {

namespace {
constexpr int kMaxImageSize = 2048;
constexpr int kMaxWidth = 4096;   // channels of any layer

int width(const nlohmann::json& c, const char* key, const std::filesystem::path& file) {
    const int w = positiveIntAt(c, key, file);
    if (w > kMaxWidth) throw InputError(file.string() + ": \"" + key + "\" must lie in 1 … " + std::to_string(kMaxWidth));
    return w;
}
}  // namespace

AutoencoderFile parseAutoencoderJson(const nlohmann::json& json, const std::filesystem::path& file) {
    const nlohmann::json& c = objectIn(json, file);
    // What the trainer writes (train_autoencoder.cpp): anything else is a misspelling or another format.
    checkKnownKeys(c, {"architecture", "channels", "latent_channels", "decoder_head", "decoder_width", "decoder_for", "downsampling", "image_size",
                       "latent_scale", "batch", "learning_rate", "train_scenes", "data_seed", "training_data", "steps", "held_out_psnr_db",
                       "held_out_scenes", "painted_psnr_db"},
                   file.string());
    if (stringOr(c, "architecture", "", file) != "autoencoder") throw InputError(file.string() + ": \"architecture\" must be \"autoencoder\"");
    if (intOr(c, "downsampling", kAutoencoderDownsampling, file) != kAutoencoderDownsampling)
        throw InputError(file.string() + ": \"downsampling\" must be " + std::to_string(kAutoencoderDownsampling) + " (the autoencoder's fixed architecture)");
    AutoencoderFile out;
    out.config.decoderHead = stringOr(c, "decoder_head", "upsample", file);
    if (out.config.decoderHead != "upsample" && out.config.decoderHead != "pixel-shuffle")
        throw InputError(file.string() + ": \"decoder_head\" must be \"upsample\" or \"pixel-shuffle\"");
    out.config.decoderWidth = c.contains("decoder_width") ? width(c, "decoder_width", file) : 0;
    out.config.channels = width(c, "channels", file);
    out.config.latentChannels = width(c, "latent_channels", file);
    out.imageSize = positiveIntAt(c, "image_size", file);
    if (out.imageSize % kAutoencoderDownsampling != 0 || out.imageSize > kMaxImageSize)
        throw InputError(file.string() + ": \"image_size\" must be a multiple of " + std::to_string(kAutoencoderDownsampling) + " up to " + std::to_string(kMaxImageSize) +
                         " (the autoencoder halves it twice), not " + std::to_string(out.imageSize));
    out.latentScale = positiveNumberAt(c, "latent_scale", file);
    return out;
}

UnetFile parseUnetJson(const nlohmann::json& json, const std::filesystem::path& file) {
    const nlohmann::json& c = objectIn(json, file);
    // What the trainer writes (train_diffusion.cpp): anything else is a misspelling or another format.
    checkKnownKeys(c, {"architecture", "channels", "latent_channels", "attention_heads", "latent_size", "prediction", "schedule", "latent_scale",
                       "batch", "learning_rate", "warmup_steps", "ema_decay", "train_scenes", "data_seed", "steps", "held_out_eps_loss"},
                   file.string());
    if (stringOr(c, "architecture", "", file) != "latent-unet") throw InputError(file.string() + ": \"architecture\" must be \"latent-unet\"");
    UnetFile u;
    u.config.latentChannels = width(c, "latent_channels", file);
    u.config.attentionHeads = width(c, "attention_heads", file);
    if (!c.contains("channels") || !c["channels"].is_array() || c["channels"].empty() || c["channels"].size() > 8)
        throw InputError(file.string() + ": \"channels\" must be a list of 1 … 8 positive integers");
    u.config.channels.clear();
    for (const nlohmann::json& w : c["channels"]) {
        if (!w.is_number_integer() || w.get<int64_t>() < 1 || w.get<int64_t>() > kMaxWidth)
            throw InputError(file.string() + ": \"channels\" must be a list of 1 … 8 integers in 1 … " + std::to_string(kMaxWidth));
        u.config.channels.push_back(w.get<int>());
    }
    if (u.config.channels.back() % u.config.attentionHeads != 0)
        throw InputError(file.string() + ": the last of \"channels\" must be divisible by \"attention_heads\"");
    u.prediction = stringOr(c, "prediction", "epsilon", file);
    if (!c.contains("schedule") || !c["schedule"].is_object()) throw InputError(file.string() + ": \"schedule\" is missing (an object with train_steps, beta_start, beta_end, beta_schedule)");
    const nlohmann::json& s = c["schedule"];
    checkKnownKeys(s, {"train_steps", "beta_start", "beta_end", "beta_schedule"}, file.string() + ", \"schedule\"");
    if (stringOr(s, "beta_schedule", "", file) != "scaled_linear") throw InputError(file.string() + ": only the \"scaled_linear\" beta schedule is supported");
    u.trainSteps = positiveIntAt(s, "train_steps", file);
    u.betaStart = positiveNumberAt(s, "beta_start", file);
    u.betaEnd = positiveNumberAt(s, "beta_end", file);
    if (u.trainSteps < 2 || u.trainSteps > 100000 || !(u.betaStart < u.betaEnd) || u.betaEnd >= 1)
        throw InputError(file.string() + ": \"schedule\" needs 2 … 100000 train steps and 0 < beta_start < beta_end < 1");
    if (c.contains("latent_size")) u.latentSize = positiveIntAt(c, "latent_size", file);
    return u;
}

}  // namespace geo
