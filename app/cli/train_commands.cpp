#include "train_commands.h"

#include <unistd.h>

#include <cstdio>
#include <memory>

#include "common/resources.h"
#include "nn/state_dict.h"
#include "training/train_autoencoder.h"
#include "training/train_diffusion.h"

namespace cli {

namespace {

void printProgress(const geo::TrainingProgress& p) {
    if (p.phase == "preparing") {
        std::fprintf(stderr, "rendering and preparing scenes…\n");
        return;
    }
    if (p.phase == "done") {
        std::fprintf(stderr, "done: %s %.5g (final)\n", p.heldOutLabel.c_str(), p.heldOut);
        return;
    }
    // In a log (not a terminal) a line every 50 steps and at every evaluation, instead of a redrawn bar.
    static const bool tty = ::isatty(STDERR_FILENO);
    if (!tty && p.heldOut < 0 && p.step % 50 != 0) return;
    constexpr int width = 24;
    const int filled = p.steps > 0 ? width * p.step / p.steps : width;
    const double eta = p.secondsPerStep * (p.steps - p.step);
    std::fprintf(stderr, "%s[%s%s] step %d/%d  loss %.5f  %.2f s/step  eta %dm%02ds", tty ? "\r" : "", std::string(filled, '#').c_str(),
                 std::string(width - filled, '.').c_str(), p.step, p.steps, p.loss, p.secondsPerStep, static_cast<int>(eta) / 60,
                 static_cast<int>(eta) % 60);
    if (p.heldOut >= 0) std::fprintf(stderr, "  %s %.5g", p.heldOutLabel.c_str(), p.heldOut);
    if (!tty || p.heldOut >= 0) std::fprintf(stderr, "\n");
    std::fflush(stderr);
}

void addAutoencoder(CLI::App& train, std::function<int()>& run) {
    auto job = std::make_shared<geo::AutoencoderTraining>();
    auto out = std::make_shared<std::string>();
    auto* ae = train.add_subcommand("autoencoder", "train the image autoencoder on rendered scenes");
    ae->add_option("--out", *out, "run folder: checkpoints while training, the model at the end")->required();
    ae->add_option("--steps", job->steps, "optimiser steps");
    ae->add_option("--batch", job->batch, "images per step");
    ae->add_option("--lr", job->learningRate, "Adam learning rate (cosine decay to a tenth)");
    ae->add_option("--scenes", job->trainScenes, "training scenes, rendered once");
    ae->add_option("--seed", job->dataSeed, "seed of the first training scene (and of the initial weights)");
    ae->add_option("--channels", job->config.channels, "width of the first level");
    ae->add_option("--checkpoint-every", job->checkpointEvery, "steps between checkpoints");
    ae->add_option("--eval-scenes", job->evalScenes, "held-out scenes for the final PSNR");
    ae->add_flag("--resume", job->resume, "continue from the checkpoint in --out");
    ae->add_option("--decoder-head", job->config.decoderHead, "upsample or pixel-shuffle (twice as fast to decode)");
    ae->add_option("--decoder-width", job->config.decoderWidth, "channels of the decoder's half-resolution stage (default: twice --channels)");
    ae->add_option("--data", job->data, "training scenes: generator (the scene generator's world) or varied (half of them in random worlds)")
        ->check(CLI::IsMember({"generator", "varied"}));
    auto decoderFor = std::make_shared<std::string>();
    ae->add_option("--decoder-for", *decoderFor, "train only a new decoder for this model folder's frozen encoder");
    ae->callback([&run, job, out, decoderFor] {
        run = [job, out, decoderFor] {
            job->out = *out;
            job->decoderFor = *decoderFor;
            geo::useAllCoresForTorch();
            const geo::TrainingResult r = geo::trainAutoencoder(*job, printProgress);
            std::printf("%s/autoencoder.safetensors: held-out PSNR %.2f dB (painted scenes of another renderer: %.2f dB), latent scale %.5f\n",
                        out->c_str(), r.heldOutPsnr, r.paintedPsnr, r.latentScale);
            return 0;
        };
    });
}

void addDiffusion(CLI::App& train, std::function<int()>& run) {
    auto job = std::make_shared<geo::DiffusionTraining>();
    auto out = std::make_shared<std::string>();
    auto autoencoder = std::make_shared<std::string>();
    auto* d = train.add_subcommand("diffusion", "train the latent noise-prediction UNet on encoded scenes");
    d->add_option("--out", *out, "run folder: checkpoints while training, a complete model folder at the end")->required();
    d->add_option("--autoencoder", *autoencoder, "model folder whose autoencoder encodes the scenes (default: the shipped model)");
    d->add_option("--steps", job->steps, "optimiser steps");
    d->add_option("--batch", job->batch, "latents per step");
    d->add_option("--lr", job->learningRate, "Adam learning rate (warm-up, then cosine decay to a tenth)");
    d->add_option("--warmup", job->warmupSteps, "steps of linear learning-rate warm-up");
    d->add_option("--ema", job->emaDecay, "decay of the weights' moving average that is shipped (0: none)");
    d->add_option("--scenes", job->trainScenes, "training scenes, rendered and encoded once");
    d->add_option("--seed", job->dataSeed, "seed of the first training scene (and of the initial weights)");
    d->add_option("--channels", job->config.channels, "width per level, e.g. 32 64 128")->expected(1, 8);
    d->add_option("--heads", job->config.attentionHeads, "attention heads in the middle block");
    d->add_option("--checkpoint-every", job->checkpointEvery, "steps between checkpoints");
    d->add_option("--eval-scenes", job->evalScenes, "held-out scenes for the ε loss");
    d->add_flag("--resume", job->resume, "continue from the checkpoint in --out");
    d->callback([&run, job, out, autoencoder] {
        run = [job, out, autoencoder] {
            job->out = *out;
            job->autoencoder = autoencoder->empty() ? geo::defaultModelDir() : std::filesystem::path(*autoencoder);
            geo::useAllCoresForTorch();
            const geo::DiffusionTrainingResult r = geo::trainDiffusion(*job, printProgress);
            std::printf("%s/unet.safetensors: held-out ε loss %.5f after %d steps\n", out->c_str(), r.heldOutLoss, r.steps);
            return 0;
        };
    });
}

}  // namespace

void addTrainCommands(CLI::App& app, std::function<int()>& run) {
    auto* train = app.add_subcommand("train", "train the networks of the shipped model");
    train->require_subcommand(1);
    addAutoencoder(*train, run);
    addDiffusion(*train, run);
}

}  // namespace cli
