#include "diffusion/model_evaluation.h"

#include <ATen/ATen.h>

#include <algorithm>
#include <numeric>

#include "common/errors.h"
#include "measures/frechet_distance.h"
#include "diffusion/sampling.h"
#include "training/scene_data.h"

namespace geo {

FeatureMatrix latentFeatures(const DiffusionModel& model, const at::Tensor& images) {
    const at::Tensor z = model.encode(images).reshape({images.size(0), -1}).to(at::kDouble).contiguous();
    return Eigen::Map<const FeatureMatrix>(z.data_ptr<double>(), z.size(0), z.size(1));
}

ModelEvaluation evaluateSceneModel(const DiffusionModel& model, int count, uint64_t seed, int roundTripImages, double noiseLevel,
                                   const std::function<void(const std::string&)>& progress, const SolveControl& control) {
    if (count < 2 || count > 100000 || roundTripImages < 1 || roundTripImages > 100000)
        throw InputError("the evaluation takes 2 … 100000 images per set and 1 … 100000 round-trip images");
    if (model.imageSize() != 64) throw InputError("scene evaluation needs a model of 64×64 scenes");
    auto say = [&](const std::string& s) {
        if (progress) progress(s);
    };
    ModelEvaluation e;
    e.count = count;
    say("rendering held-out scenes");
    const at::Tensor heldOutA = renderSceneTensor(kHeldOutSeeds, count);
    const at::Tensor heldOutB = renderSceneTensor(kHeldOutSeeds + static_cast<uint64_t>(count), count);
    const FeatureMatrix a = latentFeatures(model, heldOutA);
    e.heldOut = frechetDistance(latentFeatures(model, heldOutB), a);

    say("decoding noise");
    e.decodedNoise = frechetDistance(latentFeatures(model, model.decode(gaussianLatents(model, count, seed + 1))), a);

    say("sampling");
    e.samples = frechetDistance(latentFeatures(model, model.decode(sampleLatents(model, count, seed, 50, control, [&](int done, int total) {
                                    say("sampling: DDIM step " + std::to_string(done) + "/" + std::to_string(total));
                                }))), a);

    say("round trips");
    e.roundTripTimestep = model.schedule().timestepForNoiseLevel(noiseLevel);
    e.roundTripImages = std::min(roundTripImages, count);
    const std::vector<double> p = ddimRoundTrip(model, heldOutA.slice(0, 0, e.roundTripImages), e.roundTripTimestep, 50, control).psnr;
    e.roundTripMeanPsnr = std::accumulate(p.begin(), p.end(), 0.0) / p.size();
    e.roundTripMinPsnr = *std::min_element(p.begin(), p.end());
    return e;
}

}  // namespace geo
