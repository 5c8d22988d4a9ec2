#pragma once
// Training the latent UNet to predict the noise ε added to autoencoder latents on the discrete
// schedule (the loop, checkpoints and resume of training_loop.h). The latents of the training scenes
// are computed once with the given autoencoder and scaled by its latent scale. At the end the run
// folder is a complete model: unet.safetensors (the moving average of the weights) + unet.json
// (architecture, prediction type, schedule, training settings) beside a copy of the autoencoder.
#include <filesystem>

#include "nn/latent_unet.h"
#include "training/training_loop.h"

namespace geo {

struct DiffusionTraining {
    std::filesystem::path out;
    std::filesystem::path autoencoder;  // a model folder holding autoencoder.json + .safetensors
    LatentUnetConfig config;
    int steps = 12000;
    int batch = 64;
    double learningRate = 5e-4;  // Adam; warm-up, then cosine decay to a tenth
    int warmupSteps = 250;
    double emaDecay = 0.999;
    int trainScenes = 20000;     // seeds dataSeed, dataSeed + 1, …
    uint64_t dataSeed = 0;
    int checkpointEvery = 250;
    int evalScenes = 256;        // held-out, from seeds kHeldOutSeeds + …
    bool resume = false;
};

struct DiffusionTrainingResult {
    double heldOutLoss = 0;  // mean ‖ε̂ − ε‖² per coordinate on held-out latents, fixed noise and timesteps
    int steps = 0;
};

DiffusionTrainingResult trainDiffusion(const DiffusionTraining& job, const TrainingProgressFn& progress = {},
                                       const SolveControl& control = {});

}  // namespace geo
