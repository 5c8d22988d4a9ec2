#pragma once
// The networks of an SdSource, built from its configs and loaded with its weights (renamed from
// single-file names where needed) on a device in a dtype.
#include <c10/core/Device.h>
#include <c10/core/ScalarType.h>

#include <functional>
#include <memory>
#include <string>

#include "sd/clip_text.h"
#include "sd/sd_source.h"
#include "sd/sd_unet.h"
#include "sd/sd_vae.h"

namespace geo {

struct WeightMap;

// The dtype of each network. The UNet's is the one inputs arrive in; the others cast at their door.
struct SdDtypes {
    c10::ScalarType unet = c10::kFloat, vae = c10::kFloat, text = c10::kFloat;
};
// A --dtype name for Stable Diffusion: "auto" runs the UNet and the VAE in bfloat16 on CPUs with
// bfloat16 units and in float16 on CUDA, and the text encoder (evaluated once per prompt) in float32 on
// the CPU; a named dtype is used by all three.
SdDtypes sdDtypes(const std::string& name, c10::Device device);

struct SdNetworks {
    SdSource source;
    sd::Unet unet{nullptr};     // each null when the source lacks it
    sd::Vae vae{nullptr};
    sd::ClipText text{nullptr};
    c10::Device device{c10::kCPU};
    SdDtypes dtypes;

    // `progress(what)` before each component. The UNet's and the VAE's norms keep float32 weights.
    static std::shared_ptr<SdNetworks> load(const SdSource& source, c10::Device device, const SdDtypes& dtypes,
                                            const std::function<void(const std::string&)>& progress = {});
    int64_t parameterCount() const;
};

// Which tensor of the source's file each of `module`'s tensors is (exposed for tests of the renaming).
WeightMap unetWeightMap(torch::nn::Module& module, const SdPart<SdUnetConfig>& part);
WeightMap vaeWeightMap(torch::nn::Module& module, const SdPart<SdVaeConfig>& part);
WeightMap textWeightMap(torch::nn::Module& module, const SdPart<ClipTextConfig>& part);

}  // namespace geo
