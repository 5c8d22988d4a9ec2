#include "sd/ldm_keys.h"

#include <vector>

#include "common/errors.h"

namespace geo::sd {

namespace {

// "a.b.c" → {"a", "b", "c"}
std::vector<std::string> parts(const std::string& name) {
    std::vector<std::string> out(1);
    for (char ch : name) {
        if (ch == '.') {
            out.emplace_back();
        } else {
            out.back() += ch;
        }
    }
    return out;
}

std::string join(const std::vector<std::string>& p, size_t from) {
    std::string out;
    for (size_t i = from; i < p.size(); ++i) out += (out.empty() ? "" : ".") + p[i];
    return out;
}

bool startsWith(const std::string& s, const std::string& prefix) { return s.rfind(prefix, 0) == 0; }

InputError unmapped(const std::string& name) { return InputError("no single-file checkpoint name is known for \"" + name + "\""); }

// ResnetBlock2D inside the UNet: norm1 → in_layers.0 and so on.
std::string unetResnetPart(const std::string& rest) {
    static const std::vector<std::pair<std::string, std::string>> names = {
        {"norm1", "in_layers.0"}, {"conv1", "in_layers.2"}, {"time_emb_proj", "emb_layers.1"},
        {"norm2", "out_layers.0"}, {"conv2", "out_layers.3"}, {"conv_shortcut", "skip_connection"}};
    for (const auto& [from, to] : names)
        if (startsWith(rest, from + ".")) return to + rest.substr(from.size());
    throw unmapped(rest);
}

std::string vaeResnetPart(const std::string& rest) {
    return startsWith(rest, "conv_shortcut.") ? "nin_shortcut" + rest.substr(13) : rest;
}

}  // namespace

LdmKey unetLdmKey(const std::string& name, const SdUnetConfig& c) {
    const std::string p = kLdmUnetPrefix;
    const auto s = parts(name);
    const int perDown = c.layersPerBlock + 1, perUp = c.layersPerBlock + 1;
    if (startsWith(name, "time_embedding.linear_1.")) return {p + "time_embed.0." + s.back()};
    if (startsWith(name, "time_embedding.linear_2.")) return {p + "time_embed.2." + s.back()};
    if (startsWith(name, "conv_in.")) return {p + "input_blocks.0.0." + s.back()};
    if (startsWith(name, "conv_norm_out.")) return {p + "out.0." + s.back()};
    if (startsWith(name, "conv_out.")) return {p + "out.2." + s.back()};
    if (s.size() >= 4 && s[0] == "down_blocks") {
        const int i = std::stoi(s[1]), j = std::stoi(s[3]);
        if (s[2] == "resnets") return {p + "input_blocks." + std::to_string(1 + i * perDown + j) + ".0." + unetResnetPart(join(s, 4))};
        if (s[2] == "attentions") return {p + "input_blocks." + std::to_string(1 + i * perDown + j) + ".1." + join(s, 4)};
        if (s[2] == "downsamplers") return {p + "input_blocks." + std::to_string((i + 1) * perDown) + ".0.op." + join(s, 5)};
    }
    if (s.size() >= 4 && s[0] == "mid_block") {
        if (s[1] == "resnets") return {p + "middle_block." + (s[2] == "0" ? "0." : "2.") + unetResnetPart(join(s, 3))};
        if (s[1] == "attentions") return {p + "middle_block.1." + join(s, 3)};
    }
    if (s.size() >= 4 && s[0] == "up_blocks") {
        const int i = std::stoi(s[1]), j = std::stoi(s[3]);
        if (s[2] == "resnets") return {p + "output_blocks." + std::to_string(i * perUp + j) + ".0." + unetResnetPart(join(s, 4))};
        if (s[2] == "attentions") return {p + "output_blocks." + std::to_string(i * perUp + j) + ".1." + join(s, 4)};
        if (s[2] == "upsamplers") {
            const bool attention = c.crossAttention[c.blockOutChannels.size() - 1 - i];
            return {p + "output_blocks." + std::to_string(i * perUp + c.layersPerBlock) + (attention ? ".2." : ".1.") + join(s, 4)};
        }
    }
    throw unmapped(name);
}

LdmKey vaeLdmKey(const std::string& name, const SdVaeConfig& c) {
    const std::string p = kLdmVaePrefix;
    const auto s = parts(name);
    const int levels = static_cast<int>(c.blockOutChannels.size());
    if (s.size() < 2) throw unmapped(name);
    if (s[0] == "quant_conv" || s[0] == "post_quant_conv") return {p + name};
    const std::string& coder = s[0];  // encoder or decoder
    if (s[1] == "conv_in" || s[1] == "conv_out") return {p + name};
    if (s[1] == "conv_norm_out") return {p + coder + ".norm_out." + s.back()};
    if (s[1] == "mid_block" && s.size() >= 5) {
        if (s[2] == "resnets") return {p + coder + ".mid.block_" + (s[3] == "0" ? "1." : "2.") + vaeResnetPart(join(s, 4))};
        if (s[2] == "attentions") {
            const std::string& layer = s[4];
            const std::string ldm = layer == "group_norm" ? "norm" : layer == "to_q" ? "q" : layer == "to_k" ? "k" : layer == "to_v" ? "v" : "proj_out";
            return {p + coder + ".mid.attn_1." + ldm + "." + s.back(), 0, -1, ldm != "norm"};
        }
    }
    if ((s[1] == "down_blocks" || s[1] == "up_blocks") && s.size() >= 5) {
        const int i = std::stoi(s[2]);
        const std::string level = s[1] == "down_blocks" ? "down." + std::to_string(i) : "up." + std::to_string(levels - 1 - i);
        if (s[3] == "resnets") return {p + coder + "." + level + ".block." + s[4] + "." + vaeResnetPart(join(s, 5))};
        if (s[3] == "downsamplers") return {p + coder + "." + level + ".downsample." + join(s, 5)};
        if (s[3] == "upsamplers") return {p + coder + "." + level + ".upsample." + join(s, 5)};
    }
    throw unmapped(name);
}

LdmKey clipLdmKey(const std::string& name) { return {kLdmClipPrefix + name}; }

LdmKey openClipLdmKey(const std::string& name, const ClipTextConfig& c) {
    const std::string p = kLdmOpenClipPrefix;
    const auto s = parts(name);
    if (name == "text_model.embeddings.token_embedding.weight") return {p + "token_embedding.weight"};
    if (name == "text_model.embeddings.position_embedding.weight") return {p + "positional_embedding"};
    if (startsWith(name, "text_model.final_layer_norm.")) return {p + "ln_final." + s.back()};
    if (s.size() >= 6 && s[2] == "layers") {
        const std::string block = p + "transformer.resblocks." + s[3] + ".";
        if (s[4] == "layer_norm1") return {block + "ln_1." + s.back()};
        if (s[4] == "layer_norm2") return {block + "ln_2." + s.back()};
        if (s[4] == "mlp") return {block + (s[5] == "fc1" ? "mlp.c_fc." : "mlp.c_proj.") + s.back()};
        if (s[4] == "self_attn") {
            if (s[5] == "out_proj") return {block + "attn.out_proj." + s.back()};
            const int64_t which = s[5] == "q_proj" ? 0 : s[5] == "k_proj" ? 1 : 2;
            return {block + "attn.in_proj_" + s.back(), which * c.hidden, c.hidden};
        }
    }
    throw unmapped(name);
}

}  // namespace geo::sd
