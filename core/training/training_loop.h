#pragma once
// The optimisation loop every network of the shipped model is trained with: Adam with optional
// linear warm-up and cosine decay to a tenth, gradient clipping, an optional exponential moving
// average of the weights, periodic checkpoints and exact resume.
//
// A run folder holds checkpoint.safetensors (+ ema.safetensors), optimizer.pt and state.json while it
// trains. Each step's randomness comes from a generator seeded by (seed, step) alone, so a run resumed
// from a checkpoint takes the same steps as one that never stopped.
#include <ATen/core/Generator.h>
#include <ATen/core/Tensor.h>

#include <filesystem>
#include <functional>
#include <nlohmann/json.hpp>
#include <string>

#include "common/solve_control.h"

namespace torch::nn {
class Module;
}

namespace geo {

struct TrainingProgress {
    int step = 0, steps = 0;
    double loss = 0;            // running mean of the last steps
    double heldOut = -1;        // the run's held-out measure at checkpoints; −1 between them
    std::string heldOutLabel;   // what heldOut is, e.g. "held-out PSNR (dB)"
    double secondsPerStep = 0;
    std::string phase;          // "preparing", "training", "checkpoint", "done"
};
using TrainingProgressFn = std::function<void(const TrainingProgress&)>;

struct TrainingLoop {
    std::filesystem::path out;
    nlohmann::json config;        // what the run was started with; resuming requires the same
    int steps = 1000;
    int checkpointEvery = 250;
    double learningRate = 1e-3;
    int warmupSteps = 0;          // linear ramp from 0 before the cosine decay
    double clipGradNorm = 0;      // 0: no clipping
    double emaDecay = 0;          // 0: no moving average
    uint64_t seed = 0;
    bool resume = false;          // continue from out/ when it holds a checkpoint
    std::string heldOutLabel;
};

// loss(step, generator): the loss of one step, drawing its batch and noise from the generator.
// heldOut(): evaluated at checkpoints on the weights that will be shipped (the average when there is
// one). `ema` is a module of the same architecture as `model`, or null.
void runTrainingLoop(const TrainingLoop& loop, torch::nn::Module& model, torch::nn::Module* ema,
                     const std::function<at::Tensor(int step, at::Generator& generator)>& loss,
                     const std::function<double()>& heldOut, const TrainingProgressFn& progress = {},
                     const SolveControl& control = {});

// InputError when the loop's settings cannot run (trainers check before their slow preparation).
void validateTrainingLoop(const TrainingLoop& loop);

// Copies parameters and buffers of `from` into `to` (same architecture).
void copyWeights(const torch::nn::Module& from, torch::nn::Module& to);

}  // namespace geo
