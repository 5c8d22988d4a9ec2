#pragma once
// The shipped model's networks as their JSON files describe them (unet.json, autoencoder.json, written
// by the trainers), read and validated without LibTorch: every key known, of its type, and sizes that
// fit together; anything else an InputError naming the file, the key and what was expected.
#include <filesystem>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

namespace geo {

struct LatentUnetConfig {
    int latentChannels = 4;
    std::vector<int> channels{32, 64, 128};  // per level; each level after the first halves the resolution
    int attentionHeads = 4;                  // of the middle block's self-attention
};

struct AutoencoderConfig {
    int channels = 48;        // width of the first level; the second has twice as many
    int latentChannels = 4;
    // How the decoder reaches full resolution: "upsample" (nearest ×2, conv and a residual block at
    // full resolution) or "pixel-shuffle" (a conv to 12 channels at half resolution rearranged into
    // 2×2 pixels: no full-resolution convolutions, twice as fast).
    std::string decoderHead = "upsample";
    int decoderWidth = 0;  // channels of the decoder's half-resolution stage; 0: twice `channels`
};

constexpr int kAutoencoderDownsampling = 4;  // the autoencoder halves each side twice: latents are a quarter as wide

struct AutoencoderFile {
    AutoencoderConfig config;
    int imageSize = 64;       // a multiple of 4 (the autoencoder halves it twice), up to 2048
    double latentScale = 1;
};
AutoencoderFile parseAutoencoderJson(const nlohmann::json& c, const std::filesystem::path& file);

struct UnetFile {
    LatentUnetConfig config;
    std::string prediction = "epsilon";     // diffusers' names; parsePrediction checks it
    int trainSteps = 1000;
    double betaStart = 0.00085, betaEnd = 0.012;
    int latentSize = 0;                     // 0: not stated; else it must match the autoencoder's
};
UnetFile parseUnetJson(const nlohmann::json& c, const std::filesystem::path& file);

}  // namespace geo
