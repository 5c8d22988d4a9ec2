#pragma once
// The shapes of Stable Diffusion's three networks, as diffusers' config.json files spell them. The
// same structs describe the published models and the tiny fixtures; nothing else differs.
#include <filesystem>
#include <string>
#include <vector>

#include <nlohmann/json_fwd.hpp>

namespace geo {

// UNet2DConditionModel with the block types SD 1.x/2.x use (CrossAttnDownBlock2D …, DownBlock2D last).
struct SdUnetConfig {
    int inChannels = 4, outChannels = 4;
    int sampleSize = 64;                       // latent side the model was trained at
    std::vector<int> blockOutChannels{320, 640, 1280, 1280};
    std::vector<bool> crossAttention{true, true, true, false};  // per down block; up blocks mirror it
    int layersPerBlock = 2;
    int normGroups = 32;
    double normEps = 1e-5;
    int crossAttentionDim = 768;
    std::vector<int> heads{8, 8, 8, 8};       // attention heads per down block (diffusers' attention_head_dim)
    bool linearProjection = false;             // proj_in/proj_out as Linear (SD 2.x) or 1×1 conv (SD 1.x)
    bool upcastAttention = false;
    bool flipSinToCos = true;
    int freqShift = 0;
};

// AutoencoderKL with DownEncoderBlock2D / UpDecoderBlock2D.
struct SdVaeConfig {
    int inChannels = 3, outChannels = 3, latentChannels = 4;
    std::vector<int> blockOutChannels{128, 256, 512, 512};
    int layersPerBlock = 2;
    int normGroups = 32;
    double scalingFactor = 0.18215;
    int downFactor() const { return 1 << (blockOutChannels.size() - 1); }
};

// CLIPTextModel (SD 1.x: OpenAI CLIP ViT-L/14; SD 2.x: OpenCLIP ViT-H/14).
struct ClipTextConfig {
    int vocabSize = 49408, maxPositions = 77;
    int hidden = 768, intermediate = 3072, layers = 12, heads = 12;
    std::string activation = "quick_gelu";  // or "gelu"
    double layerNormEps = 1e-5;
};

// Parsers of diffusers' config.json; an unsupported block type or option is an InputError naming the
// file and the field.
SdUnetConfig sdUnetConfigFrom(const nlohmann::json& c, const std::filesystem::path& file);
SdVaeConfig sdVaeConfigFrom(const nlohmann::json& c, const std::filesystem::path& file);
ClipTextConfig clipTextConfigFrom(const nlohmann::json& c, const std::filesystem::path& file);

// The published configurations (for single-file checkpoints, whose shapes pick among them).
SdUnetConfig sd15UnetConfig();
SdUnetConfig sd2UnetConfig();  // heads of 64 channels, linear projections
ClipTextConfig sd15TextConfig();
ClipTextConfig sd2TextConfig();  // OpenCLIP ViT-H: 1024 wide, 24 layers, 16 heads, GELU

}  // namespace geo
