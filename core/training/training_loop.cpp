#include "training/training_loop.h"

#include <torch/torch.h>

#include <chrono>
#include <cmath>
#include <numbers>

#include "common/atomic_file.h"
#include "common/errors.h"
#include "io/json_file.h"
#include "nn/state_dict.h"
#include "safetensors/safetensors.h"

namespace geo {

namespace fs = std::filesystem;
using nlohmann::json;

namespace {

void saveOptimizer(torch::optim::Adam& optimizer, const fs::path& path) {
    const fs::path tmp = path.string() + ".tmp";
    torch::save(optimizer, tmp.string());
    fs::rename(tmp, path);
}

// The step count may grow on resume: the schedule then stretches over the new total.
double learningRateAt(const TrainingLoop& loop, int step) {
    const double cosine = 0.1 + 0.45 * (1 + std::cos(std::numbers::pi * step / loop.steps));
    const double warmup = loop.warmupSteps > 0 ? std::min(1.0, (step + 1.0) / loop.warmupSteps) : 1.0;
    return loop.learningRate * cosine * warmup;
}

void copyBuffers(const torch::nn::Module& from, torch::nn::Module& to) {
    const auto buffers = from.named_buffers(true);
    for (auto& b : to.named_buffers(true)) b.value().copy_(buffers[b.key()]);
}

// Parameters move towards the model's; buffers are not averaged but taken as they are.
void updateAverage(const torch::nn::Module& model, torch::nn::Module& ema, double decay) {
    torch::NoGradGuard noGrad;
    const auto source = model.named_parameters(true);
    for (auto& p : ema.named_parameters(true)) p.value().mul_(decay).add_(source[p.key()], 1 - decay);
    copyBuffers(model, ema);
}

}  // namespace

void copyWeights(const torch::nn::Module& from, torch::nn::Module& to) {
    torch::NoGradGuard noGrad;
    const auto params = from.named_parameters(true);
    for (auto& p : to.named_parameters(true)) p.value().copy_(params[p.key()]);
    copyBuffers(from, to);
}

void validateTrainingLoop(const TrainingLoop& loop) {
    if (loop.steps < 1 || loop.checkpointEvery < 1) throw InputError("training needs at least one step and a checkpoint interval of 1 or more");
    if (!(loop.learningRate > 0)) throw InputError("the learning rate must be positive");
    if (!(loop.emaDecay >= 0 && loop.emaDecay < 1)) throw InputError("the moving-average decay must lie in [0, 1)");
    if (loop.warmupSteps < 0 || loop.clipGradNorm < 0) throw InputError("warm-up steps and gradient clipping must not be negative");
}

void runTrainingLoop(const TrainingLoop& loop, torch::nn::Module& model, torch::nn::Module* ema,
                     const std::function<at::Tensor(int, at::Generator&)>& loss, const std::function<double()>& heldOut,
                     const TrainingProgressFn& progress, const SolveControl& control) {
    validateTrainingLoop(loop);
    if (loop.emaDecay > 0 && !ema) throw InputError("a moving average needs a module to hold it");
    ensureFolder(loop.out);
    const fs::path weights = loop.out / "checkpoint.safetensors", emaFile = loop.out / "ema.safetensors",
                   optimizerFile = loop.out / "optimizer.pt", stateFile = loop.out / "state.json";
    const bool averaging = loop.emaDecay > 0;

    torch::optim::Adam optimizer(model.parameters(), torch::optim::AdamOptions(loop.learningRate));
    int step = 0;
    if (loop.resume && fs::exists(stateFile)) {
        const json state = readJsonFile(stateFile);
        if (state.value("config", json()) != loop.config)
            throw InputError(stateFile.string() + ": the checkpoint was trained with other settings; resume with the same ones");
        loadStateDict(model, SafetensorsFile(weights));
        if (averaging) loadStateDict(*ema, SafetensorsFile(emaFile));
        torch::load(optimizer, optimizerFile.string());
        step = state.at("step").get<int>();
    } else if (averaging) {
        copyWeights(model, *ema);
    }

    auto report = [&](int s, double running, double measured, double sps, const char* phase) {
        if (progress) progress({s, loop.steps, running, measured, loop.heldOutLabel, sps, phase});
    };
    double running = 0;
    auto last = std::chrono::steady_clock::now();
    model.train();
    for (; step < loop.steps; ++step) {
        control.throwIfCancelled();
        at::Generator gen = at::detail::createCPUGenerator(loop.seed * 1000003 + static_cast<uint64_t>(step));
        for (auto& group : optimizer.param_groups())
            static_cast<torch::optim::AdamOptions&>(group.options()).lr(learningRateAt(loop, step));
        const at::Tensor l = loss(step, gen);
        optimizer.zero_grad();
        l.backward();
        if (loop.clipGradNorm > 0) torch::nn::utils::clip_grad_norm_(model.parameters(), loop.clipGradNorm);
        optimizer.step();
        if (averaging) updateAverage(model, *ema, loop.emaDecay);
        const double value = l.item<double>();
        if (!std::isfinite(value))
            throw InputError("training diverged at step " + std::to_string(step) + " (loss " + std::to_string(value) + "); lower the learning rate");
        running = step == 0 ? value : 0.98 * running + 0.02 * value;
        const auto now = std::chrono::steady_clock::now();
        const double sps = std::chrono::duration<double>(now - last).count();
        last = now;
        const bool checkpoint = (step + 1) % loop.checkpointEvery == 0 || step + 1 == loop.steps;
        double measured = -1;
        if (checkpoint) {
            measured = heldOut ? heldOut() : -1;
            model.train();
            saveStateDict(model, weights);
            if (averaging) saveStateDict(*ema, emaFile);
            saveOptimizer(optimizer, optimizerFile);
            writeFileAtomically(stateFile, json{{"step", step + 1}, {"config", loop.config}, {"held_out", measured}}.dump(2) + "\n");
        }
        report(step + 1, running, measured, sps, checkpoint ? "checkpoint" : "training");
    }
}

}  // namespace geo
