#include "training/train_autoencoder.h"

#include <torch/torch.h>

#include <nlohmann/json.hpp>

#include "common/atomic_file.h"
#include "common/errors.h"
#include "nn/autoencoder_file.h"
#include "nn/image_tensor.h"
#include "nn/state_dict.h"
#include "training/scene_data.h"

namespace geo {

using nlohmann::json;

namespace {

// What a run must keep to be resumed (the step count may grow).
json configJson(const AutoencoderTraining& job) {
    return {{"architecture", "autoencoder"},
            {"channels", job.config.channels},
            {"latent_channels", job.config.latentChannels},
            {"decoder_head", job.config.decoderHead},
            {"decoder_width", job.config.decoderWidth > 0 ? job.config.decoderWidth : 2 * job.config.channels},
            {"decoder_for", job.decoderFor.string()},
            {"downsampling", 4},
            {"image_size", 64},
            {"batch", job.batch},
            {"learning_rate", job.learningRate},
            {"train_scenes", job.trainScenes},
            {"data_seed", job.dataSeed},
            {"training_data", job.data}};
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

}  // namespace

TrainingResult trainAutoencoder(const AutoencoderTraining& job, const TrainingProgressFn& progress, const SolveControl& control) {
    if (job.batch < 1 || job.trainScenes < job.batch || job.evalScenes < 1)
        throw InputError("autoencoder training needs a batch of 1 or more, at least a batch of scenes, and held-out scenes");
    TrainingLoop loop;
    loop.out = job.out;
    loop.config = configJson(job);
    loop.steps = job.steps;
    loop.checkpointEvery = job.checkpointEvery;
    loop.learningRate = job.learningRate;
    loop.seed = job.dataSeed;
    loop.resume = job.resume;
    loop.heldOutLabel = "held-out PSNR (dB)";
    validateTrainingLoop(loop);
    if (progress) progress({0, job.steps, 0, -1, "", 0, "preparing"});
    const SceneStyle style = parseSceneStyle(job.data);
    if (style == SceneStyle::Painted) throw InputError("painted scenes are for evaluation only: train on generator or varied scenes");
    const at::Tensor train = renderSceneTensor(job.dataSeed, job.trainScenes, 64, style);
    const at::Tensor heldOut = renderSceneTensor(kHeldOutSeeds, job.evalScenes);
    const at::Tensor painted = renderSceneTensor(kHeldOutSeeds, job.evalScenes, 64, SceneStyle::Painted);

    torch::manual_seed(job.dataSeed);
    Autoencoder model(job.config);
    const bool decoderOnly = !job.decoderFor.empty();
    if (decoderOnly) {
        const LoadedAutoencoder source = loadAutoencoder(job.decoderFor);
        if (source.network->config().channels != job.config.channels || source.network->config().latentChannels != job.config.latentChannels)
            throw InputError(job.decoderFor.string() + ": its autoencoder has other widths than the decoder to train (--channels)");
        torch::NoGradGuard noGrad;
        const auto from = source.network->named_parameters(true);
        for (auto& p : model->named_parameters(true)) {
            const torch::Tensor* s = from.find(p.key());
            if (s && s->sizes() == p.value().sizes()) p.value().copy_(*s);
        }
        for (auto& p : model->named_parameters(true))
            if (p.key().rfind("encoder.", 0) == 0) p.value().set_requires_grad(false);
    }
    runTrainingLoop(
        loop, *model, nullptr,
        [&](int, at::Generator& gen) {
            const at::Tensor x = train.index_select(0, at::randint(job.trainScenes, {job.batch}, gen, at::kLong));
            if (decoderOnly) {
                at::Tensor z;
                {
                    torch::NoGradGuard noGrad;
                    z = model->encode(x);
                }
                return torch::mse_loss(model->decode(z), x);
            }
            const at::Tensor z = model->encode(x);
            // Reconstruction, with a light pull on the latent so its scale stays put.
            return torch::mse_loss(model->decode(z), x) + 1e-4 * z.pow(2).mean();
        },
        [&] { return evaluate(model, heldOut.slice(0, 0, std::min<int64_t>(64, job.evalScenes))); }, progress, control);

    TrainingResult result;
    result.steps = job.steps;
    result.heldOutPsnr = evaluate(model, heldOut);
    result.paintedPsnr = evaluate(model, painted);
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
    config["painted_psnr_db"] = result.paintedPsnr;
    saveStateDict(*model, job.out / "autoencoder.safetensors", {{"format", "geodesic-explorer"}, {"model", "autoencoder"}});
    writeFileAtomically(job.out / "autoencoder.json", config.dump(2) + "\n");
    if (progress) progress({job.steps, job.steps, 0, result.heldOutPsnr, "held-out PSNR (dB)", 0, "done"});
    return result;
}

}  // namespace geo
