#pragma once
// Original ("LDM", single-file) checkpoint names of the diffusers-named tensors: what diffusers'
// conversion scripts map, run backwards. Each function takes a diffusers module name and gives the key
// that holds it in a single-file checkpoint.
#include <cstdint>
#include <string>

#include "sd/sd_config.h"

namespace geo::sd {

struct LdmKey {
    std::string key;
    int64_t rowBegin = 0, rows = -1;  // a block of rows of a fused tensor (OpenCLIP's in_proj)
    bool dropUnitDims = false;        // stored as a 1×1 conv, read as a Linear
};

inline constexpr const char* kLdmUnetPrefix = "model.diffusion_model.";
inline constexpr const char* kLdmVaePrefix = "first_stage_model.";
inline constexpr const char* kLdmClipPrefix = "cond_stage_model.transformer.";  // SD 1.x: transformers' names
inline constexpr const char* kLdmOpenClipPrefix = "cond_stage_model.model.";   // SD 2.x: OpenCLIP's names

LdmKey unetLdmKey(const std::string& name, const SdUnetConfig& config);
LdmKey vaeLdmKey(const std::string& name, const SdVaeConfig& config);
LdmKey clipLdmKey(const std::string& name);
LdmKey openClipLdmKey(const std::string& name, const ClipTextConfig& config);

}  // namespace geo::sd
