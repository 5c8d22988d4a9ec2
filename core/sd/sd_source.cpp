#include "sd/sd_source.h"

#include <algorithm>
#include <nlohmann/json.hpp>

#include "common/errors.h"
#include "io/json_file.h"
#include "sd/ldm_keys.h"

namespace geo {

namespace fs = std::filesystem;
using nlohmann::json;

namespace {

bool hasPrefix(const SafetensorsFile& f, const std::string& prefix) {
    const auto& t = f.tensors();  // sorted by name
    const auto it = std::lower_bound(t.begin(), t.end(), prefix, [](const TensorInfo& a, const std::string& p) { return a.name < p; });
    return it != t.end() && it->name.rfind(prefix, 0) == 0;
}

std::string lowerExtension(const fs::path& p) {
    std::string e = p.extension().string();
    std::transform(e.begin(), e.end(), e.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return e;
}

void refusePickle(const fs::path& path) {
    const std::string e = lowerExtension(path);
    if (e == ".ckpt" || e == ".pt" || e == ".pth" || e == ".bin")
        throw InputError(path.string() + ": a pickled PyTorch checkpoint, which this program does not execute (pickles can run code). "
                         "Convert it once to safetensors, e.g. in Python: from safetensors.torch import save_file; "
                         "sd = torch.load(\"" + path.filename().string() + "\", map_location=\"cpu\", weights_only=True); "
                         "save_file(sd.get(\"state_dict\", sd), \"model.safetensors\")");
}

// The weights file of a component folder.
fs::path weightsIn(const fs::path& dir) {
    for (const char* name : {"diffusion_pytorch_model.safetensors", "model.safetensors", "diffusion_pytorch_model.fp16.safetensors", "model.fp16.safetensors"})
        if (fs::is_regular_file(dir / name)) return dir / name;
    for (const char* name : {"diffusion_pytorch_model.bin", "pytorch_model.bin"})
        if (fs::is_regular_file(dir / name)) refusePickle(dir / name);
    throw InputError(dir.string() + ": no diffusion_pytorch_model.safetensors or model.safetensors in this folder");
}

std::shared_ptr<const SafetensorsFile> openFile(const fs::path& p) { return std::make_shared<const SafetensorsFile>(p); }

const std::vector<int64_t>& shapeOf(const SafetensorsFile& f, const std::string& key) { return f.at(key).shape; }

int countIndexed(const SafetensorsFile& f, const std::string& prefix) {  // prefix + "N." for N = 0, 1, …
    int n = 0;
    while (hasPrefix(f, prefix + std::to_string(n) + ".")) ++n;
    return n;
}

InputError unknownArchitecture(const fs::path& path, const std::string& why) {
    return InputError(path.string() + ": unknown architecture: " + why);
}

SdUnetConfig detectUnet(const SafetensorsFile& f, const fs::path& path) {
    const std::string p = sd::kLdmUnetPrefix;
    const auto& convIn = shapeOf(f, p + "input_blocks.0.0.weight");
    const int inputBlocks = countIndexed(f, p + "input_blocks.");
    int levels = 1;
    for (int i = 1; i < inputBlocks; ++i)
        if (f.find(p + "input_blocks." + std::to_string(i) + ".0.op.weight")) ++levels;
    if (convIn.size() != 4 || inputBlocks % levels != 0) throw unknownArchitecture(path, "the UNet's input blocks do not form Stable Diffusion's levels");
    SdUnetConfig u;
    u.layersPerBlock = inputBlocks / levels - 1;
    u.inChannels = static_cast<int>(convIn[1]);
    u.outChannels = static_cast<int>(shapeOf(f, p + "out.2.weight")[0]);
    u.blockOutChannels.clear();
    u.crossAttention.clear();
    for (int i = 0; i < levels; ++i) {
        const std::string first = p + "input_blocks." + std::to_string(1 + i * (u.layersPerBlock + 1));
        u.blockOutChannels.push_back(static_cast<int>(shapeOf(f, first + ".0.out_layers.3.weight")[0]));
        u.crossAttention.push_back(f.find(first + ".1.proj_in.weight") != nullptr);
    }
    const std::string attention = p + "input_blocks.1.1.";
    if (!f.find(attention + "transformer_blocks.0.attn2.to_k.weight")) throw unknownArchitecture(path, "the UNet's first level has no cross-attention");
    u.crossAttentionDim = static_cast<int>(shapeOf(f, attention + "transformer_blocks.0.attn2.to_k.weight")[1]);
    u.linearProjection = shapeOf(f, attention + "proj_in.weight").size() == 2;
    // Head counts leave no trace in the shapes; the two published families fix them.
    if (u.crossAttentionDim == 768) {
        u.heads.assign(levels, 8);
    } else if (u.crossAttentionDim == 1024) {
        u.heads.clear();
        for (int c : u.blockOutChannels) u.heads.push_back(c / 64);
        u.upcastAttention = true;
    } else {
        throw unknownArchitecture(path, "cross-attention width " + std::to_string(u.crossAttentionDim) +
                                            " is neither SD 1.x's 768 nor SD 2.x's 1024; pass --config with a diffusers folder holding unet/config.json");
    }
    return u;
}

SdVaeConfig detectVae(const SafetensorsFile& f) {
    const std::string p = std::string(sd::kLdmVaePrefix) + "encoder.down.";
    SdVaeConfig v;
    v.blockOutChannels.clear();
    for (int i = 0, n = countIndexed(f, p); i < n; ++i) v.blockOutChannels.push_back(static_cast<int>(shapeOf(f, p + std::to_string(i) + ".block.0.conv2.weight")[0]));
    v.layersPerBlock = countIndexed(f, p + "0.block.");
    v.latentChannels = static_cast<int>(shapeOf(f, std::string(sd::kLdmVaePrefix) + "post_quant_conv.weight")[0]);
    v.inChannels = static_cast<int>(shapeOf(f, std::string(sd::kLdmVaePrefix) + "encoder.conv_in.weight")[1]);
    v.outChannels = static_cast<int>(shapeOf(f, std::string(sd::kLdmVaePrefix) + "decoder.conv_out.weight")[0]);
    return v;
}

ClipTextConfig detectClip(const SafetensorsFile& f, bool openClip) {
    const std::string p = openClip ? sd::kLdmOpenClipPrefix : std::string(sd::kLdmClipPrefix) + "text_model.";
    ClipTextConfig t = openClip ? sd2TextConfig() : sd15TextConfig();
    const auto& tokens = shapeOf(f, p + (openClip ? "token_embedding.weight" : "embeddings.token_embedding.weight"));
    t.vocabSize = static_cast<int>(tokens[0]);
    t.hidden = static_cast<int>(tokens[1]);
    t.maxPositions = static_cast<int>(shapeOf(f, p + (openClip ? "positional_embedding" : "embeddings.position_embedding.weight"))[0]);
    t.layers = countIndexed(f, p + (openClip ? "transformer.resblocks." : "encoder.layers."));
    t.intermediate = static_cast<int>(shapeOf(f, p + (openClip ? "transformer.resblocks.0.mlp.c_fc.weight" : "encoder.layers.0.mlp.fc1.weight"))[0]);
    t.heads = std::max(1, t.hidden / 64);  // both CLIPs use 64-wide heads
    return t;
}

std::string familyOf(const SdSource& s) {
    const int width = s.text ? s.text->config.hidden : s.unet ? s.unet->config.crossAttentionDim : 0;
    return width == 768 ? "SD 1.x" : width == 1024 ? "SD 2.x" : "custom";
}

void readScheduler(SdSource& s, const fs::path& file) {
    if (!fs::is_regular_file(file)) return;
    const json c = readJsonFile(file);
    objectIn(c, file);
    const std::string betas = stringOr(c, "beta_schedule", "scaled_linear", file);
    if (betas != "scaled_linear") throw InputError(file.string() + ": only the \"scaled_linear\" beta schedule is supported, not \"" + betas + "\"");
    s.trainSteps = c.contains("num_train_timesteps") ? positiveIntAt(c, "num_train_timesteps", file) : 1000;
    s.betaStart = c.contains("beta_start") ? positiveNumberAt(c, "beta_start", file) : 0.00085;
    s.betaEnd = c.contains("beta_end") ? positiveNumberAt(c, "beta_end", file) : 0.012;
    if (const std::string p = stringOr(c, "prediction_type", "", file); !p.empty()) {
        s.prediction = p;
        s.predictionFrom = "scheduler config";
    }
}

void readTokenizer(SdSource& s, const fs::path& dir) {
    if (!fs::is_directory(dir)) return;
    s.tokenizerDir = dir;
    for (const char* name : {"special_tokens_map.json", "tokenizer_config.json"}) {
        if (!fs::is_regular_file(dir / name)) continue;
        const json c = readJsonFile(dir / name);
        if (!objectIn(c, dir / name).contains("pad_token")) continue;
        const json& pad = c["pad_token"];
        const std::string text = pad.is_string() ? pad.get<std::string>() : pad.is_object() ? stringOr(pad, "content", "", dir / name) : "";
        s.padWithZero = text == "!";
        return;
    }
}

template <typename Config, typename Parse>
SdPart<Config> componentFolder(const fs::path& dir, Parse parse) {
    const fs::path config = dir / "config.json";
    return {parse(objectIn(readJsonFile(config), config), config), openFile(weightsIn(dir)), SdNaming::Diffusers};
}

void openSingleFile(SdSource& s, const SdSourceOptions& options) {
    s.layout = "single-file checkpoint";
    const auto file = openFile(s.path);
    // A config the user gave wins over what the shapes suggest.
    auto given = [&](const char* component) {
        const fs::path p = options.configDir / component / "config.json";
        return !options.configDir.empty() && fs::is_regular_file(p) ? std::optional<fs::path>(p) : std::nullopt;
    };
    if (!options.configDir.empty() && !fs::is_directory(options.configDir)) throw InputError(options.configDir.string() + ": no such folder");
    if (hasPrefix(*file, sd::kLdmUnetPrefix)) {
        const auto c = given("unet");
        s.unet = SdPart<SdUnetConfig>{c ? sdUnetConfigFrom(readJsonFile(*c), *c) : detectUnet(*file, s.path), file, SdNaming::Ldm};
    }
    if (hasPrefix(*file, sd::kLdmVaePrefix)) {
        const auto c = given("vae");
        s.vae = SdPart<SdVaeConfig>{c ? sdVaeConfigFrom(readJsonFile(*c), *c) : detectVae(*file), file, SdNaming::Ldm};
    }
    const auto textConfig = given("text_encoder");
    auto text = [&](bool openClip) { return textConfig ? clipTextConfigFrom(readJsonFile(*textConfig), *textConfig) : detectClip(*file, openClip); };
    if (hasPrefix(*file, sd::kLdmOpenClipPrefix)) {
        s.text = SdPart<ClipTextConfig>{text(true), file, SdNaming::OpenClip};
        s.penultimateText = true;
        s.padWithZero = true;
    } else if (hasPrefix(*file, sd::kLdmClipPrefix)) {
        s.text = SdPart<ClipTextConfig>{text(false), file, SdNaming::Ldm};
    }
    if (!s.unet && !s.vae && !s.text)
        throw unknownArchitecture(s.path, "no tensor starts with model.diffusion_model., first_stage_model. or cond_stage_model. "
                                          "(a diffusers component file needs its config.json beside it: pass the folder)");
    if (s.unet && s.unet->config.crossAttentionDim == 1024) s.padWithZero = true;
}

}  // namespace

SdSource SdSource::open(const fs::path& path, const SdSourceOptions& options) {
    SdSource s;
    s.path = path;
    if (!fs::exists(path)) throw InputError(path.string() + ": no such file or folder");
    refusePickle(path);
    if (fs::is_regular_file(path)) {
        if (lowerExtension(path) != ".safetensors") throw InputError(path.string() + ": not a .safetensors file or a model folder");
        openSingleFile(s, options);
    } else if (fs::is_regular_file(path / "model_index.json")) {
        s.layout = "diffusers folder";
        objectIn(readJsonFile(path / "model_index.json"), path / "model_index.json");  // malformed is an error even though the folders say it all
        s.unet = componentFolder<SdUnetConfig>(path / "unet", sdUnetConfigFrom);
        s.vae = componentFolder<SdVaeConfig>(path / "vae", sdVaeConfigFrom);
        if (fs::is_directory(path / "text_encoder")) s.text = componentFolder<ClipTextConfig>(path / "text_encoder", clipTextConfigFrom);
        readTokenizer(s, path / "tokenizer");
        readScheduler(s, path / "scheduler" / "scheduler_config.json");
    } else if (fs::is_regular_file(path / "config.json")) {
        const json c = objectIn(readJsonFile(path / "config.json"), path / "config.json");
        const std::string cls = stringOr(c, "_class_name", stringOr(c, "model_type", "", path / "config.json"), path / "config.json");
        if (cls == "UNet2DConditionModel") {
            s.layout = "UNet folder";
            s.unet = componentFolder<SdUnetConfig>(path, sdUnetConfigFrom);
        } else if (cls == "AutoencoderKL") {
            s.layout = "VAE folder";
            s.vae = componentFolder<SdVaeConfig>(path, sdVaeConfigFrom);
        } else if (cls == "clip_text_model") {
            s.layout = "text-encoder folder";
            s.text = componentFolder<ClipTextConfig>(path, clipTextConfigFrom);
        } else {
            throw unknownArchitecture(path / "config.json", "\"" + cls + "\" (known: UNet2DConditionModel, AutoencoderKL, clip_text_model)");
        }
    } else {
        throw InputError(path.string() + ": not a model: neither the shipped layout (unet.json), a Stable Diffusion folder (model_index.json or config.json) nor a .safetensors file");
    }
    if (s.unet && s.text && s.unet->config.crossAttentionDim != s.text->config.hidden)
        throw InputError(path.string() + ": the UNet attends to " + std::to_string(s.unet->config.crossAttentionDim) + "-wide text states, the text encoder makes " +
                         std::to_string(s.text->config.hidden));
    s.family = familyOf(s);
    if (!options.prediction.empty()) {
        s.prediction = options.prediction;
        s.predictionFrom = "--prediction";
    }
    return s;
}

}  // namespace geo
