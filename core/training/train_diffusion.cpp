#include "training/train_diffusion.h"

#include <torch/torch.h>

#include <nlohmann/json.hpp>

#include "common/atomic_file.h"
#include "common/errors.h"
#include "nn/autoencoder_file.h"
#include "nn/state_dict.h"
#include "schedule/discrete_schedule.h"
#include "training/scene_data.h"

namespace geo {

namespace fs = std::filesystem;
using nlohmann::json;

namespace {

json configJson(const DiffusionTraining& job, double latentScale) {
    return {{"architecture", "latent-unet"},
            {"channels", job.config.channels},
            {"latent_channels", job.config.latentChannels},
            {"attention_heads", job.config.attentionHeads},
            {"latent_size", 16},
            {"prediction", "epsilon"},
            {"schedule", {{"train_steps", 1000}, {"beta_start", 0.00085}, {"beta_end", 0.012}, {"beta_schedule", "scaled_linear"}}},
            {"latent_scale", latentScale},
            {"batch", job.batch},
            {"learning_rate", job.learningRate},
            {"warmup_steps", job.warmupSteps},
            {"ema_decay", job.emaDecay},
            {"train_scenes", job.trainScenes},
            {"data_seed", job.dataSeed}};
}

// Scaled latents of scenes firstSeed…, rendered and encoded a thousand at a time to bound memory.
at::Tensor sceneLatents(const LoadedAutoencoder& ae, uint64_t firstSeed, int count) {
    torch::NoGradGuard noGrad;
    std::vector<at::Tensor> parts;
    for (int i = 0; i < count; i += 1000) {
        const at::Tensor images = renderSceneTensor(firstSeed + static_cast<uint64_t>(i), std::min(1000, count - i));
        for (int64_t j = 0; j < images.size(0); j += 100)
            parts.push_back(ae.network->encode(images.slice(0, j, std::min<int64_t>(images.size(0), j + 100))) * ae.latentScale);
    }
    return torch::cat(parts);
}

// x_t = √ᾱ_t x₀ + √(1 − ᾱ_t) ε, per sample.
at::Tensor noised(const at::Tensor& x0, const at::Tensor& eps, const at::Tensor& alphaBar) {
    const at::Tensor ab = alphaBar.view({-1, 1, 1, 1});
    return ab.sqrt() * x0 + (1 - ab).sqrt() * eps;
}

}  // namespace

DiffusionTrainingResult trainDiffusion(const DiffusionTraining& job, const TrainingProgressFn& progress, const SolveControl& control) {
    if (job.batch < 1 || job.trainScenes < job.batch || job.evalScenes < 1)
        throw InputError("diffusion training needs a batch of 1 or more, at least a batch of scenes, and held-out scenes");
    const LoadedAutoencoder ae = loadAutoencoder(job.autoencoder);
    TrainingLoop loop;
    loop.out = job.out;
    loop.config = configJson(job, ae.latentScale);
    loop.steps = job.steps;
    loop.checkpointEvery = job.checkpointEvery;
    loop.learningRate = job.learningRate;
    loop.warmupSteps = job.warmupSteps;
    loop.clipGradNorm = 1.0;
    loop.emaDecay = job.emaDecay;
    loop.seed = job.dataSeed;
    loop.resume = job.resume;
    loop.heldOutLabel = "held-out ε loss";
    validateTrainingLoop(loop);
    if (progress) progress({0, job.steps, 0, -1, "", 0, "preparing"});
    const at::Tensor train = sceneLatents(ae, job.dataSeed, job.trainScenes);
    const at::Tensor heldOut = sceneLatents(ae, kHeldOutSeeds, job.evalScenes);

    const DiscreteSchedule schedule;
    std::vector<float> table(schedule.trainSteps());
    for (int t = 0; t < schedule.trainSteps(); ++t) table[t] = static_cast<float>(schedule.alphaBar(t));
    const at::Tensor alphaBar = torch::tensor(table);

    // Held-out measure: one fixed draw of timesteps and noise, so checkpoints compare like with like.
    auto evalGen = at::detail::createCPUGenerator(12345);
    const at::Tensor evalT = at::randint(schedule.trainSteps(), {job.evalScenes}, evalGen, at::kLong);
    const at::Tensor evalEps = at::randn(heldOut.sizes(), evalGen);
    const at::Tensor evalX = noised(heldOut, evalEps, alphaBar.index_select(0, evalT));

    torch::manual_seed(job.dataSeed);
    LatentUnet model(job.config), ema(job.config);
    LatentUnet& shipped = job.emaDecay > 0 ? ema : model;
    auto heldOutLoss = [&] {
        torch::NoGradGuard noGrad;
        shipped->eval();
        double total = 0;
        for (int64_t i = 0; i < job.evalScenes; i += 64) {
            const int64_t j = std::min<int64_t>(job.evalScenes, i + 64);
            total += torch::mse_loss(shipped->forward(evalX.slice(0, i, j), evalT.slice(0, i, j)), evalEps.slice(0, i, j), at::Reduction::Sum).item<double>();
        }
        return total / evalEps.numel();
    };

    runTrainingLoop(
        loop, *model, job.emaDecay > 0 ? ema.ptr().get() : nullptr,
        [&](int, at::Generator& gen) {
            const at::Tensor x0 = train.index_select(0, at::randint(job.trainScenes, {job.batch}, gen, at::kLong));
            const at::Tensor t = at::randint(schedule.trainSteps(), {job.batch}, gen, at::kLong);
            const at::Tensor eps = at::randn(x0.sizes(), gen);
            return torch::mse_loss(model->forward(noised(x0, eps, alphaBar.index_select(0, t)), t), eps);
        },
        heldOutLoss, progress, control);

    DiffusionTrainingResult result;
    result.steps = job.steps;
    result.heldOutLoss = heldOutLoss();
    json config = configJson(job, ae.latentScale);
    config["steps"] = job.steps;
    config["held_out_eps_loss"] = result.heldOutLoss;
    saveStateDict(*shipped, job.out / "unet.safetensors", {{"format", "geodesic-explorer"}, {"model", "latent-unet"}});
    writeFileAtomically(job.out / "unet.json", config.dump(2) + "\n");
    const fs::path from = fs::absolute(job.autoencoder), to = fs::absolute(job.out);
    if (fs::weakly_canonical(from) != fs::weakly_canonical(to))
        for (const char* name : {"autoencoder.json", "autoencoder.safetensors"})
            fs::copy_file(from / name, to / name, fs::copy_options::overwrite_existing);
    if (progress) progress({job.steps, job.steps, 0, result.heldOutLoss, loop.heldOutLabel, 0, "done"});
    return result;
}

}  // namespace geo
