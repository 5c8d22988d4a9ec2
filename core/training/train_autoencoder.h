#pragma once
// Training the autoencoder on rendered scenes (the loop, checkpoints and resume of training_loop.h).
// At the end the run folder holds autoencoder.safetensors + autoencoder.json (architecture, latent
// scale, data seed, quality).
#include <filesystem>

#include "nn/autoencoder.h"
#include "training/training_loop.h"

namespace geo {

struct AutoencoderTraining {
    std::filesystem::path out;
    AutoencoderConfig config;
    int steps = 4000;
    int batch = 16;
    double learningRate = 1e-3;  // Adam; cosine decay to a tenth over the run
    int trainScenes = 4096;      // rendered once from seeds dataSeed, dataSeed + 1, …
    uint64_t dataSeed = 0;
    std::string data = "generator";  // scene style of the training set (training/scene_data.h): generator or varied
    int checkpointEvery = 250;
    int evalScenes = 256;        // held-out, from seeds kHeldOutSeeds + …
    bool resume = false;         // continue from out/ when it holds a checkpoint
    // When set: a model folder whose encoder is kept, frozen, while only a new decoder (config's head)
    // is trained on its latents: the latent space, and every diffusion model trained on it, stay valid.
    // Decoder modules the two heads share start from that folder's decoder.
    std::filesystem::path decoderFor;
};

struct TrainingResult {
    double heldOutPsnr = 0;
    double paintedPsnr = 0;   // autoencoders: held-out scenes of another renderer (painted)
    double latentScale = 1;  // 1 / std of training latents: latents are multiplied by it for diffusion
    int steps = 0;
};

TrainingResult trainAutoencoder(const AutoencoderTraining& job, const TrainingProgressFn& progress = {},
                                const SolveControl& control = {});

}  // namespace geo
