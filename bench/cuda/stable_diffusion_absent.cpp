// This check loads only the shipped model's layout; DiffusionModel::load hands any other folder to the
// Stable Diffusion loader, whose tokenizer needs ICU, which the GPU machine lacks. Said plainly instead
// of linked.
#include "common/errors.h"
#include "sd/sd_model.h"

namespace geo {

std::shared_ptr<DiffusionModel> loadStableDiffusion(const std::filesystem::path& path, const ComputeOptions&, const SdSourceOptions&,
                                                    const std::function<void(const std::string&)>&) {
    throw InputError(path.string() + ": the CUDA check reads only the shipped model's layout (unet.json beside unet.safetensors)");
}

}  // namespace geo
