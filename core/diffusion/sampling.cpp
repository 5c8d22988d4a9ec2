#include "diffusion/sampling.h"

#include <ATen/ATen.h>

#include "common/errors.h"
#include "nn/image_tensor.h"

namespace geo {

at::Tensor gaussianLatents(const DiffusionModel& model, int count, uint64_t seed) {
    if (count < 1) throw InputError("the number of samples must be 1 or more");
    const std::array<int64_t, 3> shape = model.latentShape();
    auto gen = at::detail::createCPUGenerator(seed);
    return at::randn({count, shape[0], shape[1], shape[2]}, gen);
}

at::Tensor sampleLatents(const DiffusionModel& model, int count, uint64_t seed, int steps, const SolveControl& control,
                         const StepCallback& progress) {
    const at::Tensor noise = gaussianLatents(model, count, seed);
    const int top = model.schedule().ddimTimesteps(steps).front();
    return ddimSample(model, model.schedule(), noise, top, steps, control, progress);
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
