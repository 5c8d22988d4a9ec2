#include "sd/sd_networks.h"

#include <torch/torch.h>

#include <set>

#include "diffusion/diffusion_model.h"
#include "nn/state_dict.h"
#include "sd/sd_blocks.h"
#include "sd/ldm_keys.h"

namespace geo {

namespace {

// `module`'s tensors mapped by `rename` into `file`; keys under `prefix` that nothing reads, other
// than `ignored`, are unexpected.
template <typename Rename>
WeightMap weightMap(torch::nn::Module& module, const SafetensorsFile& file, const std::string& prefix, const std::set<std::string>& ignored,
                    Rename rename) {
    WeightMap map;
    map.where = file.path().string();
    std::set<std::string> read;
    std::vector<std::string> names;
    for (const auto& p : module.named_parameters(true)) names.push_back(p.key());
    for (const auto& b : module.named_buffers(true)) names.push_back(b.key());
    for (const std::string& name : names) {
        const sd::LdmKey k = rename(name);
        if (!file.find(k.key)) {
            map.absent.push_back(k.key);
            continue;
        }
        map.sources[name] = WeightSource{&file, k.key, k.rowBegin, k.rows, k.dropUnitDims};
        read.insert(k.key);
    }
    for (const TensorInfo& t : file.tensors())
        if (t.name.rfind(prefix, 0) == 0 && !read.count(t.name) && !ignored.count(t.name.substr(prefix.size()))) map.unread.push_back(t.name);
    return map;
}

sd::LdmKey same(const std::string& name) { return {name}; }

}  // namespace

WeightMap unetWeightMap(torch::nn::Module& module, const SdPart<SdUnetConfig>& part) {
    if (part.naming == SdNaming::Diffusers) return weightMap(module, *part.file, "", {}, same);
    return weightMap(module, *part.file, sd::kLdmUnetPrefix, {}, [&](const std::string& n) { return sd::unetLdmKey(n, part.config); });
}

WeightMap vaeWeightMap(torch::nn::Module& module, const SdPart<SdVaeConfig>& part) {
    if (part.naming == SdNaming::Diffusers) return weightMap(module, *part.file, "", {}, same);
    return weightMap(module, *part.file, sd::kLdmVaePrefix, {}, [&](const std::string& n) { return sd::vaeLdmKey(n, part.config); });
}

WeightMap textWeightMap(torch::nn::Module& module, const SdPart<ClipTextConfig>& part) {
    // transformers' non-persistent position_ids buffer, which many SD 1.x files still carry.
    const std::set<std::string> positionIds{"text_model.embeddings.position_ids"};
    switch (part.naming) {
        case SdNaming::Diffusers: return weightMap(module, *part.file, "", positionIds, same);
        case SdNaming::Ldm: return weightMap(module, *part.file, sd::kLdmClipPrefix, positionIds, sd::clipLdmKey);
        case SdNaming::OpenClip:
            return weightMap(module, *part.file, sd::kLdmOpenClipPrefix, {"text_projection", "logit_scale", "attn_mask"},
                             [&](const std::string& n) { return sd::openClipLdmKey(n, part.config); });
    }
    return {};
}

SdDtypes sdDtypes(const std::string& name, c10::Device device) {
    const AutoDtype denoising{c10::kBFloat16, c10::kFloat, c10::kHalf}, text{c10::kFloat, c10::kFloat, c10::kHalf};
    const c10::ScalarType networks = resolveDtype(name, device, denoising);
    return {networks, networks, resolveDtype(name, device, text)};
}

std::shared_ptr<SdNetworks> SdNetworks::load(const SdSource& source, c10::Device device, const SdDtypes& dtypes,
                                             const std::function<void(const std::string&)>& progress) {
    auto say = [&](const std::string& s) {
        if (progress) progress(s);
    };
    auto n = std::make_shared<SdNetworks>();
    n->source = source;
    n->device = device;
    n->dtypes = dtypes;
    torch::NoGradGuard noGrad;
    auto finish = [&](torch::nn::Module& m, c10::ScalarType dtype) {
        m.eval();
        m.to(device, dtype);
    };
    if (source.text) {
        say("text encoder");
        n->text = sd::ClipText(source.text->config);
        loadWeights(*n->text, textWeightMap(*n->text, *source.text));
        finish(*n->text, dtypes.text);
    }
    if (source.vae) {
        say("autoencoder");
        n->vae = sd::Vae(source.vae->config);
        loadWeights(*n->vae, vaeWeightMap(*n->vae, *source.vae));
        finish(*n->vae, dtypes.vae);
        sd::prepareForInference(*n->vae);
    }
    if (source.unet) {
        say("UNet");
        n->unet = sd::Unet(source.unet->config);
        loadWeights(*n->unet, unetWeightMap(*n->unet, *source.unet));
        finish(*n->unet, dtypes.unet);
        sd::prepareForInference(*n->unet);
    }
    return n;
}

int64_t SdNetworks::parameterCount() const {
    int64_t total = 0;
    const std::vector<const torch::nn::Module*> modules{unet ? unet.get() : nullptr, vae ? vae.get() : nullptr, text ? text.get() : nullptr};
    for (const torch::nn::Module* m : modules)
        if (m)
            for (const auto& p : m->parameters()) total += p.numel();
    return total;
}

}  // namespace geo
