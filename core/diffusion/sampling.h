#pragma once
// Drawing from a latent diffusion model, and the invert-then-sample round trip, on the DDIM grid.
#include <ATen/core/Tensor.h>
#include <cstdint>
#include <memory>

#include "diffusion/ddim.h"
#include "diffusion/diffusion_model.h"

namespace geo {

// An InputError unless 1 ≤ count ≤ 4096 (the stated bound on samples asked for at once).
void checkSampleCount(int count);

// count × the model's latent shape of N(0, I) noise from a CPU generator seeded by `seed`, so a seed
// gives the same noise on every device.
at::Tensor gaussianLatents(const DiffusionModel& model, int count, uint64_t seed);

// Latents by DDIM from noise at the grid's top timestep (gaussianLatents(seed)), with the model's
// default conditioning, or with `eps` (GuidedEpsilon) where the model is shared with other jobs.
at::Tensor sampleLatents(const DiffusionModel& model, int count, uint64_t seed, int steps = 50, const SolveControl& control = {},
                         const StepCallback& progress = {});
at::Tensor sampleLatents(const EpsilonModel& eps, const DiffusionModel& model, int count, uint64_t seed, int steps = 50,
                         const SolveControl& control = {}, const StepCallback& progress = {});

// Classifier-free guidance ε(∅) + g (ε(prompt) − ε(∅)) from text embeddings computed once and passed
// per call, so nothing is set on the model: safe while other threads evaluate it. For a model without
// text it is the plain ε (and a prompt is an InputError).
class GuidedEpsilon final : public EpsilonModel {
public:
    GuidedEpsilon(std::shared_ptr<const DiffusionModel> model, const TextConditioning& conditioning);
    at::Tensor epsilon(const at::Tensor& x, int64_t t) const override;
    c10::Device device() const override { return model_->device(); }

private:
    std::shared_ptr<const DiffusionModel> model_;
    at::Tensor prompt_, negative_;  // undefined for a model without text
    double guidance_ = 1;
};

// Images [N, 3, S, S] → encoded (clean), DDIM-inverted to `timestep` (inverted), sampled back and
// decoded (back); per-image PSNR of back against the images, dB.
struct DdimRoundTrip {
    at::Tensor clean, inverted, back;
    std::vector<double> psnr;
};
DdimRoundTrip ddimRoundTrip(const DiffusionModel& model, const at::Tensor& images, int timestep, int steps = 50,
                            const SolveControl& control = {}, const StepCallback& inversionProgress = {},
                            const StepCallback& samplingProgress = {});

}  // namespace geo
