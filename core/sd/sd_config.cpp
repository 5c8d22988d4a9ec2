#include "sd/sd_config.h"

#include <nlohmann/json.hpp>

#include "common/errors.h"
#include "io/json_file.h"

namespace geo {

using nlohmann::json;

namespace {

InputError bad(const std::filesystem::path& file, const std::string& field, const std::string& why) {
    return InputError(file.string() + ": \"" + field + "\" " + why);
}

std::vector<int> positiveInts(const json& c, const char* key, const std::filesystem::path& file) {
    if (!c.contains(key) || !c[key].is_array() || c[key].empty()) throw bad(file, key, "must be a list of positive integers");
    std::vector<int> out;
    for (const json& v : c[key]) {
        if (!v.is_number_integer() || v.get<int>() < 1) throw bad(file, key, "must be a list of positive integers");
        out.push_back(v.get<int>());
    }
    return out;
}

std::vector<std::string> strings(const json& c, const char* key, const std::filesystem::path& file) {
    if (!c.contains(key) || !c[key].is_array()) throw bad(file, key, "must be a list of block type names");
    std::vector<std::string> out;
    for (const json& v : c[key]) {
        if (!v.is_string()) throw bad(file, key, "must be a list of block type names");
        out.push_back(v.get<std::string>());
    }
    return out;
}

// Options SD 1.x/2.x leave at their defaults; anything else is a different architecture.
void requireDefault(const json& c, const char* key, const json& expected, const std::filesystem::path& file) {
    if (c.contains(key) && !c[key].is_null() && c[key] != expected)
        throw bad(file, key, "= " + c[key].dump() + " is not supported (Stable Diffusion 1.x/2.x use " + expected.dump() + ")");
}

void requireNull(const json& c, const char* key, const std::filesystem::path& file) {
    if (c.contains(key) && !c[key].is_null()) throw bad(file, key, "= " + c[key].dump() + " is not supported (Stable Diffusion 1.x/2.x have none)");
}

}  // namespace

SdUnetConfig sdUnetConfigFrom(const json& c, const std::filesystem::path& file) {
    SdUnetConfig u;
    u.inChannels = positiveIntAt(c, "in_channels", file);
    u.outChannels = positiveIntAt(c, "out_channels", file);
    u.sampleSize = c.contains("sample_size") ? positiveIntAt(c, "sample_size", file) : 64;
    u.blockOutChannels = positiveInts(c, "block_out_channels", file);
    const size_t levels = u.blockOutChannels.size();
    const auto down = strings(c, "down_block_types", file), up = strings(c, "up_block_types", file);
    if (down.size() != levels) throw bad(file, "down_block_types", "must name one block per entry of block_out_channels");
    if (up.size() != levels) throw bad(file, "up_block_types", "must name one block per entry of block_out_channels");
    u.crossAttention.clear();
    for (size_t i = 0; i < levels; ++i) {
        if (down[i] != "CrossAttnDownBlock2D" && down[i] != "DownBlock2D")
            throw bad(file, "down_block_types", "holds \"" + down[i] + "\" (supported: CrossAttnDownBlock2D, DownBlock2D)");
        const bool cross = down[i] == "CrossAttnDownBlock2D";
        const std::string mirror = cross ? "CrossAttnUpBlock2D" : "UpBlock2D";
        if (up[levels - 1 - i] != mirror) throw bad(file, "up_block_types", "must mirror down_block_types (expected " + mirror + " at " + std::to_string(levels - 1 - i) + ")");
        u.crossAttention.push_back(cross);
    }
    u.layersPerBlock = positiveIntAt(c, "layers_per_block", file);
    u.normGroups = positiveIntAt(c, "norm_num_groups", file);
    u.normEps = positiveNumberAt(c, "norm_eps", file);
    u.crossAttentionDim = positiveIntAt(c, "cross_attention_dim", file);
    // diffusers' quirk: SD configs leave num_attention_heads null and give the head COUNT as attention_head_dim.
    const char* headsKey = c.contains("num_attention_heads") && !c["num_attention_heads"].is_null() ? "num_attention_heads" : "attention_head_dim";
    if (c.contains(headsKey) && c[headsKey].is_array()) {
        u.heads = positiveInts(c, headsKey, file);
        if (u.heads.size() != levels) throw bad(file, headsKey, "must hold one entry per block");
    } else {
        u.heads.assign(levels, positiveIntAt(c, headsKey, file));
    }
    for (size_t i = 0; i < levels; ++i)
        if (u.blockOutChannels[i] % u.heads[i] != 0 || u.blockOutChannels[i] % u.normGroups != 0)
            throw bad(file, "block_out_channels", "entry " + std::to_string(u.blockOutChannels[i]) + " is not divisible by its heads and norm groups");
    u.linearProjection = boolOr(c, "use_linear_projection", false, file);
    u.upcastAttention = boolOr(c, "upcast_attention", false, file);
    u.flipSinToCos = boolOr(c, "flip_sin_to_cos", true, file);
    u.freqShift = intOr(c, "freq_shift", 0, file);
    requireDefault(c, "mid_block_type", "UNetMidBlock2DCrossAttn", file);
    requireDefault(c, "act_fn", "silu", file);
    requireDefault(c, "transformer_layers_per_block", 1, file);
    requireDefault(c, "resnet_time_scale_shift", "default", file);
    requireDefault(c, "time_embedding_type", "positional", file);
    requireDefault(c, "only_cross_attention", false, file);
    requireDefault(c, "dual_cross_attention", false, file);
    requireDefault(c, "center_input_sample", false, file);
    requireDefault(c, "conv_in_kernel", 3, file);
    requireDefault(c, "conv_out_kernel", 3, file);
    requireDefault(c, "downsample_padding", 1, file);
    requireDefault(c, "mid_block_scale_factor", 1, file);
    for (const char* key : {"class_embed_type", "addition_embed_type", "time_cond_proj_dim", "encoder_hid_dim", "num_class_embeds", "time_embedding_dim"})
        requireNull(c, key, file);
    return u;
}

SdVaeConfig sdVaeConfigFrom(const json& c, const std::filesystem::path& file) {
    SdVaeConfig v;
    v.inChannels = positiveIntAt(c, "in_channels", file);
    v.outChannels = positiveIntAt(c, "out_channels", file);
    v.latentChannels = positiveIntAt(c, "latent_channels", file);
    v.blockOutChannels = positiveInts(c, "block_out_channels", file);
    v.layersPerBlock = positiveIntAt(c, "layers_per_block", file);
    v.normGroups = positiveIntAt(c, "norm_num_groups", file);
    v.scalingFactor = c.contains("scaling_factor") ? positiveNumberAt(c, "scaling_factor", file) : 0.18215;
    for (const auto& t : strings(c, "down_block_types", file))
        if (t != "DownEncoderBlock2D") throw bad(file, "down_block_types", "holds \"" + t + "\" (supported: DownEncoderBlock2D)");
    for (const auto& t : strings(c, "up_block_types", file))
        if (t != "UpDecoderBlock2D") throw bad(file, "up_block_types", "holds \"" + t + "\" (supported: UpDecoderBlock2D)");
    requireDefault(c, "act_fn", "silu", file);
    requireDefault(c, "norm_type", "group", file);
    requireDefault(c, "mid_block_add_attention", true, file);
    return v;
}

ClipTextConfig clipTextConfigFrom(const json& c, const std::filesystem::path& file) {
    ClipTextConfig t;
    t.vocabSize = positiveIntAt(c, "vocab_size", file);
    t.maxPositions = positiveIntAt(c, "max_position_embeddings", file);
    t.hidden = positiveIntAt(c, "hidden_size", file);
    t.intermediate = positiveIntAt(c, "intermediate_size", file);
    t.layers = positiveIntAt(c, "num_hidden_layers", file);
    t.heads = positiveIntAt(c, "num_attention_heads", file);
    t.activation = stringOr(c, "hidden_act", "quick_gelu", file);
    if (t.activation != "quick_gelu" && t.activation != "gelu") throw unknownNameError("hidden_act in " + file.string(), t.activation, {"quick_gelu", "gelu"});
    t.layerNormEps = c.contains("layer_norm_eps") ? positiveNumberAt(c, "layer_norm_eps", file) : 1e-5;
    if (t.hidden % t.heads != 0) throw bad(file, "hidden_size", "is not divisible by num_attention_heads");
    return t;
}

SdUnetConfig sd15UnetConfig() { return SdUnetConfig{}; }

SdUnetConfig sd2UnetConfig() {
    SdUnetConfig u;
    u.crossAttentionDim = 1024;
    u.heads = {5, 10, 20, 20};
    u.linearProjection = true;
    u.upcastAttention = true;
    return u;
}

ClipTextConfig sd15TextConfig() { return ClipTextConfig{}; }

ClipTextConfig sd2TextConfig() {
    ClipTextConfig t;
    t.hidden = 1024;
    t.intermediate = 4096;
    t.layers = 24;
    t.heads = 16;
    t.activation = "gelu";
    return t;
}

}  // namespace geo
