#pragma once
// What a Stable Diffusion path holds, found from its configs and tensor shapes without loading a
// weight: a diffusers folder (model_index.json, unet/, vae/, text_encoder/, tokenizer/, scheduler/),
// one component's folder (config.json beside its safetensors), or a single-file checkpoint with the
// original key names. Pickled checkpoints (.ckpt, .bin, .pt) are refused with how to convert them.
#include <filesystem>
#include <memory>
#include <optional>
#include <string>

#include "safetensors/safetensors.h"
#include "sd/sd_config.h"

namespace geo {

// How the tensors of one component are named in its file.
enum class SdNaming { Diffusers, Ldm, OpenClip };

template <typename Config>
struct SdPart {
    Config config;
    std::shared_ptr<const SafetensorsFile> file;
    SdNaming naming = SdNaming::Diffusers;
};

struct SdSourceOptions {
    // For single files: a diffusers model folder whose unet/, vae/ and text_encoder/ config.json
    // (each optional) describe the file's networks where shapes cannot (head counts, norm groups).
    std::filesystem::path configDir;
    std::string prediction;            // "epsilon" / "v_prediction" / "sample"; empty: the scheduler config's, else epsilon
};

struct SdSource {
    std::filesystem::path path;
    std::string layout;  // "diffusers folder", "single-file checkpoint", "UNet folder", "VAE folder", "text-encoder folder"
    std::string family;  // "SD 1.x", "SD 2.x" or "custom" (from the text width: 768 / 1024)
    std::optional<SdPart<SdUnetConfig>> unet;
    std::optional<SdPart<SdVaeConfig>> vae;
    std::optional<SdPart<ClipTextConfig>> text;
    bool penultimateText = false;  // condition on the penultimate layer (OpenCLIP single files; diffusers' SD 2.x drops the last layer instead)
    bool padWithZero = false;      // SD 2.x's tokenizer pads with id 0, SD 1.x's with end-of-text
    std::filesystem::path tokenizerDir;  // vocab.json + merges.txt; empty: the shipped OpenAI vocabulary
    std::string prediction = "epsilon";
    std::string predictionFrom = "default";  // "scheduler config", "--prediction" or "default"
    int trainSteps = 1000;
    double betaStart = 0.00085, betaEnd = 0.012;

    static SdSource open(const std::filesystem::path& path, const SdSourceOptions& options = {});
};

}  // namespace geo
