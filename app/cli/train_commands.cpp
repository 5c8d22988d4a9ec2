#include "train_commands.h"

#include <cstdio>
#include <memory>

#include "nn/state_dict.h"
#include "training/train_autoencoder.h"

namespace cli {

namespace {

void printProgress(const geo::TrainingProgress& p) {
    if (std::string(p.phase) == "rendering") {
        std::fprintf(stderr, "rendering scenes…\n");
        return;
    }
    const double eta = p.secondsPerStep * (p.steps - p.step);
    std::fprintf(stderr, "\rstep %d/%d  loss %.5f  %.2f s/step  eta %dm%02ds", p.step, p.steps, p.loss, p.secondsPerStep,
                 static_cast<int>(eta) / 60, static_cast<int>(eta) % 60);
    if (p.heldOutPsnr >= 0) std::fprintf(stderr, "  held-out PSNR %.2f dB%s\n", p.heldOutPsnr, std::string(p.phase) == "done" ? " (final)" : "");
    std::fflush(stderr);
}

}  // namespace

void addTrainCommands(CLI::App& app, std::function<int()>& run) {
    auto* train = app.add_subcommand("train", "train the networks of the shipped model");
    train->require_subcommand(1);
    auto job = std::make_shared<geo::AutoencoderTraining>();
    auto out = std::make_shared<std::string>();
    auto* ae = train->add_subcommand("autoencoder", "train the image autoencoder on rendered scenes");
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
    ae->callback([&run, job, out] {
        run = [job, out] {
            job->out = *out;
            geo::useAllCoresForTorch();
            const geo::TrainingResult r = geo::trainAutoencoder(*job, printProgress);
            std::printf("%s/autoencoder.safetensors: held-out PSNR %.2f dB, latent scale %.5f\n", out->c_str(), r.heldOutPsnr,
                        r.latentScale);
            return 0;
        };
    });
}

}  // namespace cli
