#include "diffusion/sampling.h"

#include <ATen/ATen.h>

#include "common/errors.h"
#include "nn/image_tensor.h"

namespace geo {

void checkSampleCount(int count) {
    // Bounded so that a mistyped count is refused up front instead of filling memory (4 096 latents of
    // Stable Diffusion are 256 MiB; the images decoded from them 9 GiB).
    if (count < 1 || count > 4096) throw InputError("the number of samples must lie in 1 … 4096, not " + std::to_string(count));
}

at::Tensor gaussianLatents(const DiffusionModel& model, int count, uint64_t seed) {
    checkSampleCount(count);
    const std::array<int64_t, 3> shape = model.latentShape();
    auto gen = at::detail::createCPUGenerator(seed);
    return at::randn({count, shape[0], shape[1], shape[2]}, gen);
}

at::Tensor sampleLatents(const DiffusionModel& model, int count, uint64_t seed, int steps, const SolveControl& control,
                         const StepCallback& progress) {
    return sampleLatents(model, model, count, seed, steps, control, progress);
}

at::Tensor sampleLatents(const EpsilonModel& eps, const DiffusionModel& model, int count, uint64_t seed, int steps, const SolveControl& control,
                         const StepCallback& progress) {
    const at::Tensor noise = gaussianLatents(model, count, seed);
    const int top = model.schedule().ddimTimesteps(steps).front();
    return ddimSample(eps, model.schedule(), noise, top, steps, control, progress);
}

GuidedEpsilon::GuidedEpsilon(std::shared_ptr<const DiffusionModel> model, const TextConditioning& c) : model_(std::move(model)) {
    if (!(c.guidance >= 0 && c.guidance <= 100)) throw InputError("the guidance scale must lie in [0, 100]");
    if (!model_->textConditioned()) {
        if (!c.prompt.empty() || !c.negative.empty()) throw InputError(model_->describe() + ": this model takes no text prompt");
        return;
    }
    prompt_ = model_->textEmbedding(c.prompt);
    if (c.guidance != 1) negative_ = model_->textEmbedding(c.negative);
    guidance_ = c.guidance;
}

at::Tensor GuidedEpsilon::epsilon(const at::Tensor& x, int64_t t) const {
    if (!prompt_.defined()) return model_->epsilonWith(x, t, {});
    const at::Tensor cond = model_->epsilonWith(x, t, prompt_);
    if (!negative_.defined()) return cond;
    const at::Tensor uncond = model_->epsilonWith(x, t, negative_);
    return uncond + guidance_ * (cond - uncond);
}

DdimRoundTrip ddimRoundTrip(const DiffusionModel& model, const at::Tensor& images, int timestep, int steps, const SolveControl& control,
                            const StepCallback& inversionProgress, const StepCallback& samplingProgress) {
    DdimRoundTrip r;
    r.clean = model.encode(images);
    r.inverted = ddimInvert(model, model.schedule(), r.clean, timestep, steps, control, inversionProgress);
    r.back = model.decode(ddimSample(model, model.schedule(), r.inverted, timestep, steps, control, samplingProgress));
    for (int64_t i = 0; i < images.size(0); ++i) r.psnr.push_back(psnr(r.back[i], images[i]));
    return r;
}

}  // namespace geo
