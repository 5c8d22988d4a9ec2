#include "sd_commands.h"

#include <torch/torch.h>

#include <unistd.h>

#include <cstdio>
#include <iostream>
#include <map>
#include <set>

#include "common/errors.h"
#include "common/atomic_file.h"
#include "common/machine.h"
#include "model_options.h"
#include "nn/state_dict.h"
#include "safetensors/safetensors.h"
#include "sd/sd_bench.h"
#include "sd/sd_networks.h"

namespace cli {

namespace fs = std::filesystem;

namespace {

std::string list(const std::vector<int>& v) {
    std::string s;
    for (int x : v) s += (s.empty() ? "" : ", ") + std::to_string(x);
    return "[" + s + "]";
}

// Parameters, stored dtypes and bytes of one component's tensors in its file.
struct Footprint {
    int64_t parameters = 0;
    uint64_t bytes = 0;
    std::set<std::string> dtypes;
};

template <typename Part>
Footprint footprint(const Part& part, const std::string& ldmPrefix) {
    Footprint f;
    const std::string prefix = part.naming == geo::SdNaming::Diffusers ? "" : ldmPrefix;
    for (const geo::TensorInfo& t : part.file->tensors()) {
        if (t.name.rfind(prefix, 0) != 0) continue;
        f.parameters += t.numel();
        f.bytes += t.end - t.begin;
        f.dtypes.insert(geo::dtypeName(t.dtype));
    }
    return f;
}

std::string describe(const Footprint& f) {
    std::string d;
    for (const auto& t : f.dtypes) d += (d.empty() ? "" : "/") + t;
    char buf[128];
    std::snprintf(buf, sizeof buf, "%.1f M parameters, %s, %.1f MB", f.parameters / 1e6, d.c_str(), f.bytes / 1e6);
    return buf;
}

int info(const ModelOptions& o) {
    const geo::SdSource s = geo::SdSource::open(modelPath(o.model), o.sd);
    std::printf("%s\n  %s, %s\n", s.path.c_str(), s.family.c_str(), s.layout.c_str());
    std::printf("  prediction: %s (%s)%s\n", s.prediction.c_str(), s.predictionFrom.c_str(),
                s.predictionFrom == "default" && s.family == "SD 2.x" ? "; SD 2.x 768-pixel models predict v: pass --prediction v_prediction" : "");
    std::printf("  schedule: %d steps, scaled-linear betas %g … %g\n", s.trainSteps, s.betaStart, s.betaEnd);
    if (s.unet) {
        const auto& u = s.unet->config;
        std::printf("  UNet: %d → %d channels, blocks %s, %d layers per block, heads %s, cross-attention %d, %s projections; latent %d×%d×%d; %s\n",
                    u.inChannels, u.outChannels, list(u.blockOutChannels).c_str(), u.layersPerBlock, list(u.heads).c_str(), u.crossAttentionDim,
                    u.linearProjection ? "linear" : "1×1-conv", u.inChannels, u.sampleSize, u.sampleSize, describe(footprint(*s.unet, "model.diffusion_model.")).c_str());
    }
    if (s.vae) {
        const auto& v = s.vae->config;
        std::printf("  VAE: blocks %s, %d latent channels, ÷%d, scaling factor %g; %s\n", list(v.blockOutChannels).c_str(), v.latentChannels,
                    v.downFactor(), v.scalingFactor, describe(footprint(*s.vae, "first_stage_model.")).c_str());
    }
    if (s.text) {
        const auto& t = s.text->config;
        std::printf("  text encoder: %d layers, width %d, %d heads, %s, %d tokens, conditions on the %s layer; %s\n", t.layers, t.hidden, t.heads,
                    t.activation.c_str(), t.maxPositions, s.penultimateText ? "penultimate" : "last", describe(footprint(*s.text, "cond_stage_model.")).c_str());
        std::printf("  tokenizer: %s, padded with %s\n", s.tokenizerDir.empty() ? "the shipped OpenAI CLIP vocabulary" : s.tokenizerDir.c_str(),
                    s.padWithZero ? "0" : "end-of-text");
    }
    const c10::Device device = geo::resolveDevice(o.compute.device);
    const geo::SdDtypes dtypes = geo::sdDtypes(o.compute.dtype, device);
    std::printf("  would run on %s: UNet and VAE in %s, text encoder in %s; %s\n", device.str().c_str(), geo::scalarTypeName(dtypes.unet).c_str(),
                geo::scalarTypeName(dtypes.text).c_str(), geo::machineSummary().c_str());
    geo::warnIfReferenceBlas();
    return 0;
}

struct RunOptions {
    ModelOptions model;
    std::string component, inputs, out, prefix;
};

at::Tensor input(const geo::SafetensorsFile& f, const std::string& name, const geo::SdNetworks& n, c10::ScalarType dtype) {
    if (!f.find(name)) throw geo::InputError(f.path().string() + ": no tensor \"" + name + "\" (--inputs must hold it)");
    return geo::readTensor(f, name).to(n.device, dtype);
}

int runComponent(const RunOptions& o) {
    geo::useAllCoresForTorch();
    const geo::SdSource source = geo::SdSource::open(modelPath(o.model.model), o.model.sd);
    const c10::Device device = geo::resolveDevice(o.model.compute.device);
    const geo::SdDtypes dtypes = geo::sdDtypes(o.model.compute.dtype, device);
    const geo::SafetensorsFile inputs(o.inputs);
    geo::SdSource only = source;  // just the component asked for
    const bool unet = o.component == "unet", vae = o.component.rfind("vae", 0) == 0, text = o.component == "text";
    if ((unet && !source.unet) || (vae && !source.vae) || (text && !source.text))
        throw geo::InputError(source.path.string() + ": a " + source.layout + " without the network --component " + o.component + " needs");
    if (!unet) only.unet.reset();
    if (!vae) only.vae.reset();
    if (!text) only.text.reset();
    const auto n = geo::SdNetworks::load(only, device, dtypes);
    const c10::ScalarType dtype = unet ? dtypes.unet : vae ? dtypes.vae : dtypes.text;
    torch::NoGradGuard noGrad;
    const std::string& p = o.prefix;
    std::vector<std::pair<std::string, at::Tensor>> out;
    if (unet) {
        out.emplace_back(p + "eps", n->unet->forward(input(inputs, p + "latents", *n, dtypes.unet), input(inputs, p + "timesteps", *n, torch::kLong),
                                                     input(inputs, p + "encoder_hidden_states", *n, dtypes.unet)));
    } else if (o.component == "vae-encode") {
        const geo::sd::LatentMoments m = n->vae->encode(input(inputs, p + "image", *n, dtypes.vae));
        out = {{p + "posterior_mean", m.mean}, {p + "posterior_logvar", m.logvar}};
    } else if (o.component == "vae-decode") {
        out.emplace_back(p + "decoded", n->vae->decode(input(inputs, p + "decoder_latents", *n, dtypes.vae)));
    } else {
        const geo::sd::TextEncoding e = n->text->forward(input(inputs, p + "input_ids", *n, torch::kLong));
        out = {{p + "last_hidden_state", e.lastHidden}, {p + "penultimate_hidden_state_final_layer_normed", e.penultimateNormed}, {p + "pooler_output", e.pooled}};
    }
    for (const auto& [name, t] : out)
        if (!torch::isfinite(t).all().item<bool>()) throw geo::InputError(name + " came out with NaN or infinite values (inputs out of range for " + geo::scalarTypeName(dtype) + "?)");
    geo::saveTensors(o.out, out, {{"component", o.component}, {"model", source.path.string()}, {"device", device.str()}, {"dtype", geo::scalarTypeName(dtype)}});
    for (const auto& [name, t] : out) {
        std::string shape;
        for (int64_t s : t.sizes()) shape += (shape.empty() ? "" : "×") + std::to_string(s);
        std::printf("%s %s\n", name.c_str(), shape.c_str());
    }
    std::printf("%s: %zu tensor(s), float32, from %s on %s in %s\n", o.out.c_str(), out.size(), o.component.c_str(), device.str().c_str(), geo::scalarTypeName(dtype).c_str());
    return 0;
}

struct BenchOptions {
    geo::SdBenchOptions bench;
    std::string json;
};

void printTiming(const char* what, const geo::NetworkTiming& t, int batch) {
    std::printf("%s: %.3f s per evaluation of %d row(s) (median of %zu), %.3f s per row, %.0f GFLOP per evaluation, %.0f GFLOP/s\n", what, t.medianSeconds, batch,
                t.seconds.size(), t.medianSeconds / batch, t.flops / 1e9, t.gflopsPerSecond());
}

int bench(const BenchOptions& o) {
    const bool terminal = isatty(fileno(stderr));
    const geo::SdBenchResult r = geo::benchStableDiffusion(o.bench, [&](const std::string& line) {
        std::fprintf(stderr, terminal ? "\r%-60s" : "%s\n", line.c_str());
        std::fflush(stderr);
    });
    if (terminal) std::fprintf(stderr, "\n");
    std::printf("%s at %d×%d, batch %d, random weights, on %s in %s, %d threads; %s\n", o.bench.config == "sd21" ? "SD 2.1" : "SD 1.5", o.bench.size,
                o.bench.size, o.bench.batch, r.device.c_str(), r.dtype.c_str(), r.threads, r.cpu.c_str());
    printTiming("UNet", r.unet, o.bench.batch);
    if (o.bench.decoder) printTiming("VAE decoder", r.decoder, o.bench.batch);
    if (r.unetRelativeError >= 0)
        std::printf("UNet ε in %s against float32 on the same weights and input: %.2f %% relative\n", r.dtype.c_str(), 100 * r.unetRelativeError);
    if (!o.json.empty()) {
        geo::writeFileAtomically(o.json, geo::sdBenchJson(r));
        std::printf("wrote %s\n", o.json.c_str());
    }
    return 0;
}

}  // namespace

void addSdCommands(CLI::App& app, std::function<int()>& run) {
    auto* sd = app.add_subcommand("sd", "Stable Diffusion 1.x/2.x from your own weights: inspect, run one network");
    sd->require_subcommand(1);

    auto i = std::make_shared<ModelOptions>();
    auto* ic = sd->add_subcommand("info", "family, prediction type, shapes, dtypes and sizes of a model, without loading it");
    addModelOptions(*ic, *i);
    ic->get_option("--model")->required();
    ic->callback([&run, i] { run = [i] { return info(*i); }; });

    auto r = std::make_shared<RunOptions>();
    auto* rc = sd->add_subcommand("run", "evaluate one network on tensors from a safetensors file; writes its outputs as float32");
    addModelOptions(*rc, r->model);
    rc->get_option("--model")->required();
    rc->add_option("--component", r->component,
                   "unet (reads latents, timesteps, encoder_hidden_states; writes eps), vae-encode (image → posterior_mean, posterior_logvar), "
                   "vae-decode (decoder_latents → decoded, no scaling factor), text (input_ids → last_hidden_state, "
                   "penultimate_hidden_state_final_layer_normed, pooler_output)")
        ->required()
        ->check(CLI::IsMember({"unet", "vae-encode", "vae-decode", "text"}));
    rc->add_option("--inputs", r->inputs, "safetensors file with the inputs")->required();
    rc->add_option("--out", r->out, "safetensors file for the outputs")->required();
    rc->add_option("--prefix", r->prefix, "put before every tensor name read and written (e.g. case0.)");
    rc->callback([&run, r] { run = [r] { return runComponent(*r); }; });

    auto b = std::make_shared<BenchOptions>();
    auto* bc = sd->add_subcommand("bench", "seconds per evaluation of the published UNet and VAE decoder on this machine (seeded random weights; nothing is read or fetched)");
    bc->add_option("--config", b->bench.config, "sd15 or sd21")->check(CLI::IsMember({"sd15", "sd21"}))->capture_default_str();
    bc->add_option("--size", b->bench.size, "image side in pixels (latents are a eighth of it)")->capture_default_str();
    bc->add_option("--batch", b->bench.batch, "latents per evaluation")->capture_default_str();
    bc->add_option("--dtype", b->bench.dtype, "auto, float32, bfloat16, float16 (CUDA)")->check(CLI::IsMember({"auto", "float32", "bfloat16", "float16"}))->capture_default_str();
    bc->add_option("--device", b->bench.device, "auto, cpu, cuda, cuda:N")->capture_default_str();
    bc->add_option("--runs", b->bench.runs, "timed calls per network, after one warm-up")->capture_default_str();
    bc->add_flag("!--no-decoder", b->bench.decoder, "time the UNet alone");
    bc->add_flag("--accuracy", b->bench.accuracy, "also the UNet's ε against float32 on the same weights and input (relative error; JSON unet_relative_error)");
    bc->add_option("--json", b->json, "also write the figures as JSON to this file");
    bc->callback([&run, b] { run = [b] { return bench(*b); }; });
}

}  // namespace cli
