#include "training/train_autoencoder.h"

#include <torch/torch.h>

#include <chrono>
#include <cmath>
#include <fstream>
#include <nlohmann/json.hpp>
#include <numbers>

#include "common/atomic_file.h"
#include "common/errors.h"
#include "io/json_file.h"
#include "nn/image_tensor.h"
#include "nn/state_dict.h"
#include "safetensors/safetensors.h"
#include "training/scene_data.h"

namespace geo {

namespace fs = std::filesystem;
using nlohmann::json;

namespace {

// What a run must keep to be resumed. The step count may grow: the learning-rate schedule then
// stretches over the new total from the resumed step on.
json configJson(const AutoencoderTraining& job) {
    return {{"architecture", "autoencoder"},
            {"channels", job.config.channels},
            {"latent_channels", job.config.latentChannels},
            {"downsampling", 4},
            {"image_size", 64},
            {"batch", job.batch},
            {"learning_rate", job.learningRate},
            {"train_scenes", job.trainScenes},
            {"data_seed", job.dataSeed}};
}

double evaluate(Autoencoder& model, const at::Tensor& images) {
    torch::NoGradGuard noGrad;
    model->eval();
    double total = 0;
    const int64_t n = images.size(0), chunk = 32;
    for (int64_t i = 0; i < n; i += chunk) {
        const at::Tensor x = images.slice(0, i, std::min(n, i + chunk));
        total += psnr(model->decode(model->encode(x)), x) * x.size(0);
    }
    model->train();
    return total / n;
}

void saveOptimizer(torch::optim::Adam& optimizer, const fs::path& path) {
    const fs::path tmp = path.string() + ".tmp";
    torch::save(optimizer, tmp.string());
    fs::rename(tmp, path);
}

}  // namespace

TrainingResult trainAutoencoder(const AutoencoderTraining& job, const std::function<void(const TrainingProgress&)>& progress,
                                const SolveControl& control) {
    if (job.steps < 1 || job.batch < 1 || job.trainScenes < job.batch || job.evalScenes < 1 || job.checkpointEvery < 1)
        throw InputError("training needs steps, batch, scenes (at least a batch) and checkpoint interval of 1 or more");
    ensureFolder(job.out);
    const fs::path weights = job.out / "checkpoint.safetensors", optimizerFile = job.out / "optimizer.pt",
                   stateFile = job.out / "state.json";

    auto report = [&](TrainingProgress p) {
        if (progress) progress(p);
    };
    report({0, job.steps, 0, -1, 0, "rendering"});
    const at::Tensor train = renderSceneTensor(job.dataSeed, job.trainScenes);
    const at::Tensor heldOut = renderSceneTensor(kHeldOutSeeds, job.evalScenes);

    torch::manual_seed(static_cast<uint64_t>(job.dataSeed));
    Autoencoder model(job.config);
    torch::optim::Adam optimizer(model->parameters(), torch::optim::AdamOptions(job.learningRate));
    int step = 0;
    if (job.resume && fs::exists(stateFile)) {
        const json state = readJsonFile(stateFile);
        if (state.value("config", json()) != configJson(job))
            throw InputError(stateFile.string() + ": the checkpoint was trained with other settings; resume with the same ones");
        loadStateDict(*model, SafetensorsFile(weights));
        torch::load(optimizer, optimizerFile.string());
        step = state.at("step").get<int>();
    }

    double running = 0;
    auto last = std::chrono::steady_clock::now();
    for (; step < job.steps; ++step) {
        control.throwIfCancelled();
        // Batches depend only on (data seed, step): a resumed run sees the batches an unbroken one would.
        auto gen = at::detail::createCPUGenerator(job.dataSeed * 1000003 + static_cast<uint64_t>(step));
        const at::Tensor index = at::randint(job.trainScenes, {job.batch}, gen, at::kLong);
        const at::Tensor x = train.index_select(0, index);
        const double lr = job.learningRate * (0.1 + 0.45 * (1 + std::cos(std::numbers::pi * step / job.steps)));
        for (auto& group : optimizer.param_groups()) static_cast<torch::optim::AdamOptions&>(group.options()).lr(lr);
        const at::Tensor z = model->encode(x);
        // Reconstruction, with a light pull on the latent so its scale stays put.
        const at::Tensor loss = torch::mse_loss(model->decode(z), x) + 1e-4 * z.pow(2).mean();
        optimizer.zero_grad();
        loss.backward();
        optimizer.step();
        const double l = loss.item<double>();
        if (!std::isfinite(l)) throw InputError("training diverged at step " + std::to_string(step) + " (loss " + std::to_string(l) + "); lower the learning rate");
        running = step == 0 ? l : 0.98 * running + 0.02 * l;
        const auto now = std::chrono::steady_clock::now();
        const double sps = std::chrono::duration<double>(now - last).count();
        last = now;
        const bool checkpoint = (step + 1) % job.checkpointEvery == 0 || step + 1 == job.steps;
        double quality = -1;
        if (checkpoint) {
            quality = evaluate(model, heldOut.slice(0, 0, std::min<int64_t>(64, job.evalScenes)));
            saveStateDict(*model, weights);
            saveOptimizer(optimizer, optimizerFile);
            writeFileAtomically(stateFile, json{{"step", step + 1}, {"config", configJson(job)}, {"psnr_64_held_out", quality}}.dump(2) + "\n");
        }
        report({step + 1, job.steps, running, quality, sps, checkpoint ? "checkpoint" : "training"});
    }

    TrainingResult result;
    result.steps = job.steps;
    result.heldOutPsnr = evaluate(model, heldOut);
    {
        torch::NoGradGuard noGrad;
        model->eval();
        result.latentScale = 1.0 / model->encode(train.slice(0, 0, std::min(512, job.trainScenes))).std().item<double>();
    }
    json config = configJson(job);
    config["steps"] = job.steps;
    config["latent_scale"] = result.latentScale;
    config["held_out_psnr_db"] = result.heldOutPsnr;
    config["held_out_scenes"] = job.evalScenes;
    saveStateDict(*model, job.out / "autoencoder.safetensors", {{"format", "geodesic-explorer"}, {"model", "autoencoder"}});
    writeFileAtomically(job.out / "autoencoder.json", config.dump(2) + "\n");
    report({job.steps, job.steps, running, result.heldOutPsnr, 0, "done"});
    return result;
}

}  // namespace geo
