#pragma once
// Training the autoencoder on rendered scenes, with checkpoints every so often and resume. A run's
// folder holds checkpoint.safetensors + optimizer.pt + state.json while it trains, and
// autoencoder.safetensors + autoencoder.json (architecture, latent scale, data seed, quality) at the end.
#include <filesystem>
#include <functional>

#include "nn/autoencoder.h"
#include "solver/solve_control.h"

namespace geo {

struct AutoencoderTraining {
    std::filesystem::path out;
    AutoencoderConfig config;
    int steps = 4000;
    int batch = 16;
    double learningRate = 1e-3;  // Adam; cosine decay to a tenth over the run
    int trainScenes = 4096;      // rendered once from seeds dataSeed, dataSeed + 1, …
    uint64_t dataSeed = 0;
    int checkpointEvery = 250;
    int evalScenes = 256;        // held-out, from seeds kHeldOutSeeds + …
    bool resume = false;         // continue from out/ when it holds a checkpoint
};

struct TrainingProgress {
    int step = 0, steps = 0;
    double loss = 0;           // running mean of the last steps
    double heldOutPsnr = -1;   // dB, at checkpoints; −1 between them
    double secondsPerStep = 0;
    const char* phase = "";    // "rendering", "training", "checkpoint", "done"
};

struct TrainingResult {
    double heldOutPsnr = 0;
    double latentScale = 1;  // 1 / std of training latents: latents are multiplied by it for diffusion
    int steps = 0;
};

TrainingResult trainAutoencoder(const AutoencoderTraining& job, const std::function<void(const TrainingProgress&)>& progress = {},
                                const SolveControl& control = {});

}  // namespace geo
