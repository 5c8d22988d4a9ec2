#include "model_commands.h"

#include "cli_values.h"
#include "model_options.h"

#include <torch/torch.h>

#include <cmath>
#include <cstdio>
#include <iostream>
#include <memory>
#include <nlohmann/json.hpp>

#include "common/atomic_file.h"
#include "common/errors.h"
#include "common/resources.h"
#include "diffusion/ddim.h"
#include "diffusion/diffusion_model.h"
#include "diffusion/model_evaluation.h"
#include "diffusion/sampling.h"
#include "nn/autoencoder_file.h"
#include "nn/image_tensor.h"
#include "nn/state_dict.h"

namespace cli {

namespace fs = std::filesystem;

namespace {


geo::StepCallback stepProgress(const char* what) {
    auto out = std::make_shared<cli::ProgressLine>();
    return [what, out](int done, int total) {
        out->show(std::string(what) + " " + std::to_string(done) + "/" + std::to_string(total), what, done, total);
        if (done == total) out->finish();
    };
}

struct ReconstructOptions {
    std::string model, out;
    std::vector<std::string> images;
};

int reconstruct(const ReconstructOptions& o) {
    geo::useAllCoresForTorch();
    const geo::LoadedAutoencoder ae = geo::loadAutoencoder(modelPath(o.model));
    const at::Tensor inputs = readImages(o.images, ae.imageSize);
    geo::ensureFolder(o.out);
    torch::NoGradGuard noGrad;
    for (size_t i = 0; i < o.images.size(); ++i) {
        const at::Tensor x = inputs.slice(0, i, i + 1);
        const at::Tensor y = ae.network->decode(ae.network->encode(x));
        const fs::path target = fs::path(o.out) / (fs::path(o.images[i]).stem().string() + ".png");
        geo::writePng(target, geo::tensorToImage(y[0]));
        std::printf("%s -> %s  PSNR %.2f dB\n", o.images[i].c_str(), target.c_str(), geo::psnr(y, x));
    }
    return 0;
}

struct SampleOptions {
    ModelOptions model;
    int count = 1, steps = 50;
    uint64_t seed = 0;
    std::string out;
    geo::TextConditioning text;
    bool guidanceGiven = false;
};

int sample(const SampleOptions& o) {
    geo::checkSampleCount(o.count);  // before the model loads
    const auto model = loadModel(o.model);
    geo::TextConditioning text = o.text;
    // A prompt without a word on guidance gets Stable Diffusion's usual 7.5; no prompt, no guidance.
    if (!o.guidanceGiven) text.guidance = text.prompt.empty() && text.negative.empty() ? 1.0 : 7.5;
    model->setConditioning(text);
    std::cerr << "model " << model->describe() << '\n';
    const at::Tensor latents = geo::sampleLatents(*model, o.count, o.seed, o.steps, {}, stepProgress("denoising step"));
    const at::Tensor images = model->decode(latents);
    std::vector<geo::RgbImage> tiles;
    for (int i = 0; i < o.count; ++i) tiles.push_back(geo::tensorToImage(images[i]));
    geo::writePng(o.out, geo::tileImages(tiles, static_cast<int>(std::ceil(std::sqrt(o.count)))));
    std::printf("%s: %d samples, seed %llu, %d DDIM steps", o.out.c_str(), o.count, static_cast<unsigned long long>(o.seed), o.steps);
    if (model->textConditioned()) std::printf(", prompt \"%s\", negative \"%s\", guidance %g", text.prompt.c_str(), text.negative.c_str(), text.guidance);
    std::printf("\n");
    return 0;
}

struct InvertOptions {
    ModelOptions model;
    std::string image, out;
    double noiseLevel = 0.6;
    int steps = 50;
};

int invert(const InvertOptions& o) {
    if (!(o.noiseLevel > 0 && o.noiseLevel <= 1)) throw geo::InputError("--noise-level must lie in (0, 1]");
    const auto model = loadModel(o.model);
    const at::Tensor x = readImages({o.image}, model->imageSize());
    std::cerr << "model " << model->describe() << '\n';
    const int t = model->schedule().timestepForNoiseLevel(o.noiseLevel, o.steps);
    // Sampling back is the check a user wants before building on the latent.
    const geo::DdimRoundTrip r = geo::ddimRoundTrip(*model, x, t, o.steps, {}, stepProgress("inversion step"), stepProgress("sampling back step"));
    geo::saveTensors(o.out, {{"latent", r.inverted}, {"clean_latent", r.clean}},
                     {{"timestep", std::to_string(t)}, {"noise_level", std::to_string(o.noiseLevel)},
                      {"ddim_steps", std::to_string(o.steps)}, {"source", o.image}});
    std::printf("%s: latent at timestep %d (noise level %g), 1x%lldx%lldx%lld; sampled back: PSNR %.2f dB against the input\n", o.out.c_str(), t,
                o.noiseLevel, static_cast<long long>(r.inverted.size(1)), static_cast<long long>(r.inverted.size(2)),
                static_cast<long long>(r.inverted.size(3)), r.psnr[0]);
    return 0;
}

struct EvaluateOptions {
    ModelOptions model;
    int count = 1000, roundTrips = 64;
    uint64_t seed = 0;
    double noiseLevel = 0.6;
    std::string json;
};

int evaluate(const EvaluateOptions& o) {
    const auto model = loadModel(o.model);
    std::cerr << "model " << model->describe() << '\n';
    cli::ProgressLine out;
    const geo::ModelEvaluation e = geo::evaluateSceneModel(*model, o.count, o.seed, o.roundTrips, o.noiseLevel, [&out](const std::string& s) {
        out.show(s, s.substr(0, s.find_first_of("0123456789")));
    });
    out.finish();
    std::printf("Fréchet distance in the autoencoder's latent space, %d images per set:\n", e.count);
    std::printf("  model samples     vs held-out A  %10.2f\n", e.samples);
    std::printf("  held-out B        vs held-out A  %10.2f\n", e.heldOut);
    std::printf("  decoded noise     vs held-out A  %10.2f\n", e.decodedNoise);
    std::printf("DDIM invert to timestep %d and sample back, %d held-out scenes: mean %.2f dB, min %.2f dB\n", e.roundTripTimestep,
                e.roundTripImages, e.roundTripMeanPsnr, e.roundTripMinPsnr);
    if (!o.json.empty())
        geo::writeFileAtomically(o.json, nlohmann::json{{"images_per_set", e.count},
                                                        {"frechet_samples_vs_held_out", e.samples},
                                                        {"frechet_held_out_vs_held_out", e.heldOut},
                                                        {"frechet_decoded_noise_vs_held_out", e.decodedNoise},
                                                        {"round_trip_timestep", e.roundTripTimestep},
                                                        {"round_trip_images", e.roundTripImages},
                                                        {"round_trip_mean_psnr_db", e.roundTripMeanPsnr},
                                                        {"round_trip_min_psnr_db", e.roundTripMinPsnr}}
                                                 .dump(2) + "\n");
    return 0;
}

}  // namespace

void addModelCommands(CLI::App& app, std::function<int()>& run) {
    auto r = std::make_shared<ReconstructOptions>();
    auto* rc = app.add_subcommand("reconstruct", "encode and decode images with the model's autoencoder");
    rc->add_option("--model", r->model, "the shipped model's folder (default: the shipped model)");
    rc->add_option("images", r->images, "images of any size and format OpenCV reads")->required();
    rc->add_option("--out", r->out, "output folder (created when missing)")->required();
    rc->callback([&run, r] { run = [r] { return reconstruct(*r); }; });

    auto s = std::make_shared<SampleOptions>();
    auto* sc = app.add_subcommand("sample", "draw images from the model by DDIM sampling from noise");
    addModelOptions(*sc, s->model);
    sc->add_option("--count", s->count, "number of samples, tiled in a square-ish grid (default 1)");
    sc->add_option("--prompt", s->text.prompt, "text to condition on (Stable Diffusion models)");
    sc->add_option("--negative", s->text.negative, "negative prompt: what guidance steers away from");
    sc->add_option("--guidance", s->text.guidance, "classifier-free guidance scale (default 7.5 with a prompt, else 1)")
        ->each([s](const std::string&) { s->guidanceGiven = true; });
    sc->add_option("--seed", s->seed, "seed of the initial noise")->required();
    sc->add_option("--steps", s->steps, "DDIM steps");
    sc->add_option("--out", s->out, "PNG file of the grid")->required();
    sc->callback([&run, s] { run = [s] { return sample(*s); }; });

    auto v = std::make_shared<InvertOptions>();
    auto* vc = app.add_subcommand("invert", "DDIM-invert an image's latent to a noise level");
    addModelOptions(*vc, v->model);
    vc->add_option("image", v->image, "an image of any size and format OpenCV reads")->required();
    vc->add_option("--noise-level", v->noiseLevel, "fraction of the DDIM grid (0.6 = timestep 581)");
    vc->add_option("--steps", v->steps, "DDIM steps of the full grid");
    vc->add_option("--out", v->out, "safetensors file: 'latent' (inverted) and 'clean_latent'")->required();
    vc->callback([&run, v] { run = [v] { return invert(*v); }; });

    auto e = std::make_shared<EvaluateOptions>();
    auto* ec = app.add_subcommand("evaluate", "measure a scene model: Fréchet distances and the DDIM round trip");
    addModelOptions(*ec, e->model);
    ec->add_option("--count", e->count, "images per set");
    ec->add_option("--seed", e->seed, "seed of the sampling noise");
    ec->add_option("--round-trips", e->roundTrips, "held-out scenes for the invert-then-sample round trip");
    ec->add_option("--noise-level", e->noiseLevel, "noise level of the round trip (0.6 = timestep 581)");
    ec->add_option("--json", e->json, "also write the figures to this JSON file");
    ec->callback([&run, e] { run = [e] { return evaluate(*e); }; });
}

}  // namespace cli
