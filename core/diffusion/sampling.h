#pragma once
// Drawing from a latent diffusion model, and the invert-then-sample round trip, on the DDIM grid.
#include <ATen/core/Tensor.h>
#include <cstdint>

#include "diffusion/ddim.h"
#include "diffusion/diffusion_model.h"

namespace geo {

// count × the model's latent shape of N(0, I) noise from a CPU generator seeded by `seed`, so a seed
// gives the same noise on every device.
at::Tensor gaussianLatents(const DiffusionModel& model, int count, uint64_t seed);

// Latents by DDIM from noise at the grid's top timestep (gaussianLatents(seed)).
at::Tensor sampleLatents(const DiffusionModel& model, int count, uint64_t seed, int steps = 50, const SolveControl& control = {},
                         const StepCallback& progress = {});

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
