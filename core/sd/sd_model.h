#pragma once
// Stable Diffusion 1.x/2.x as a DiffusionModel: UNet, VAE and text encoder from an SdSource, prompts
// encoded as the family does it (SD 1.x: the last hidden state; SD 2.x single files: the penultimate
// layer through the final LayerNorm), classifier-free guidance, ε- or v-prediction.
#include <filesystem>
#include <functional>
#include <memory>
#include <string>

#include "diffusion/diffusion_model.h"
#include "sd/sd_source.h"

namespace geo {

struct SdNetworks;
class ClipTokenizer;

// InputError when the source lacks the UNet, the VAE or the text encoder. `progress(what)` before
// each component is read.
std::shared_ptr<DiffusionModel> loadStableDiffusion(const std::filesystem::path& path, const ComputeOptions& compute,
                                                    const SdSourceOptions& options = {},
                                                    const std::function<void(const std::string&)>& progress = {});

// The tokenizer a source asks for: its tokenizer/ folder, else the shipped OpenAI vocabulary.
ClipTokenizer tokenizerFor(const SdSource& source);

// [1, 77, width] conditioning states of one prompt, as the source's family takes them.
at::Tensor encodePrompt(SdNetworks& networks, const ClipTokenizer& tokenizer, const std::string& prompt);

}  // namespace geo
