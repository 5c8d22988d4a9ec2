#pragma once
// How good a scene model is, in numbers: Fréchet distances in the autoencoder's latent space (samples
// against held-out scenes, with two rows to read them by) and the DDIM round trip at a noise level.
#include <cstdint>
#include <functional>
#include <string>

#include "measures/frechet_distance.h"
#include "diffusion/diffusion_model.h"
#include "common/solve_control.h"

namespace geo {

// The features every Fréchet distance here uses: the images' scaled, flattened latents, one row each.
FeatureMatrix latentFeatures(const DiffusionModel& model, const at::Tensor& images);

struct ModelEvaluation {
    int count = 0;              // images per set
    double samples = 0;         // FD(model samples, held-out set A)
    double heldOut = 0;         // FD(held-out set B, held-out set A): the floor at this sample size
    double decodedNoise = 0;    // FD(decoded N(0, I) latents, held-out set A): a model that learned nothing
    int roundTripTimestep = 0;
    double roundTripMeanPsnr = 0, roundTripMinPsnr = 0;  // dB, over `roundTripImages` held-out scenes
    int roundTripImages = 0;
};

// Held-out set A: scenes from seed kHeldOutSeeds on; B: the `count` after them. Features are the
// (scaled, flattened) latents of images, whatever made the images.
ModelEvaluation evaluateSceneModel(const DiffusionModel& model, int count = 1000, uint64_t seed = 0, int roundTripImages = 64,
                                   double noiseLevel = 0.6, const std::function<void(const std::string&)>& progress = {},
                                   const SolveControl& control = {});

}  // namespace geo
