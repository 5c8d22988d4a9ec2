#include "diffusion/diffusion_model.h"

#include <torch/cuda.h>
#include <torch/torch.h>

#include <cmath>
#include <nlohmann/json.hpp>

#include "common/errors.h"
#include "common/machine.h"
#include "diffusion/memory_batches.h"
#include "io/json_file.h"
#include "nn/autoencoder_file.h"
#include "nn/latent_unet.h"
#include "nn/state_dict.h"
#include "safetensors/safetensors.h"

namespace geo {

namespace fs = std::filesystem;
using nlohmann::json;

namespace {

// The shipped model: the small latent UNet and its autoencoder.
class ShippedNetworks final : public LatentNetworks {
public:
    mutable LatentUnet unet{nullptr};  // forward() is not const in LibTorch
    LoadedAutoencoder autoencoder;
    at::Tensor predict(const at::Tensor& xt, const at::Tensor& steps) const override { return unet->forward(xt, steps); }
    at::Tensor encode(const at::Tensor& images) const override { return autoencoder.network->encode(images); }
    at::Tensor decode(const at::Tensor& latents) const override { return autoencoder.network->decode(latents); }
    c10::Device device() const override { return unet->parameters().front().device(); }
    c10::ScalarType dtype() const override { return unet->parameters().front().scalar_type(); }
};

}  // namespace

Prediction parsePrediction(const std::string& name) {
    if (name == "epsilon") return Prediction::Epsilon;
    if (name == "v_prediction") return Prediction::Velocity;
    if (name == "sample") return Prediction::Sample;
    throw InputError("unknown prediction type \"" + name + "\" (expected epsilon, v_prediction or sample)");
}

std::string predictionName(Prediction p) {
    switch (p) {
        case Prediction::Epsilon: return "epsilon";
        case Prediction::Velocity: return "v_prediction";
        case Prediction::Sample: return "sample";
    }
    return "epsilon";
}

at::Tensor epsilonFromPrediction(Prediction p, const at::Tensor& output, const at::Tensor& xt, double alphaBar) {
    const double a = std::sqrt(alphaBar), s = std::sqrt(1 - alphaBar);
    switch (p) {
        case Prediction::Epsilon: return output;
        case Prediction::Velocity: return a * output + s * xt;    // v = a ε − s x₀ and x_t = a x₀ + s ε
        case Prediction::Sample: return (xt - a * output) / s;
    }
    return output;
}

c10::Device resolveDevice(const std::string& name) {
    if (name == "auto") return torch::cuda::is_available() ? c10::Device(c10::kCUDA, 0) : c10::Device(c10::kCPU);
    c10::Device device(c10::kCPU);
    try {
        device = c10::Device(name);
    } catch (const std::exception&) {
        throw InputError("unknown device \"" + name + "\" (expected auto, cpu, cuda or cuda:N)");
    }
    if (device.is_cuda() && !torch::cuda::is_available())
        throw InputError("device \"" + name + "\" asked for, but this LibTorch sees no CUDA GPU; use --device cpu");
    if (!device.is_cpu() && !device.is_cuda()) throw InputError("device \"" + name + "\" is not supported (cpu or cuda)");
    return device;
}

c10::ScalarType resolveDtype(const std::string& name, c10::Device device, const AutoDtype& automatic) {
    if (name == "auto") {
        if (device.is_cuda()) return automatic.cuda;
        const CpuFeatures cpu = cpuFeatures();
        return cpu.avx512bf16 || cpu.amx ? automatic.bf16Cpu : automatic.otherCpu;
    }
    if (name == "float32" || name == "f32") return c10::kFloat;
    if (name == "bfloat16" || name == "bf16") return c10::kBFloat16;
    if (name == "float16" || name == "f16") {
        if (device.is_cpu()) throw InputError("float16 needs a CUDA device; on the CPU use float32 or bfloat16");
        return c10::kHalf;
    }
    throw InputError("unknown dtype \"" + name + "\" (expected auto, float32, float16 or bfloat16)");
}

namespace {

void requireShape(const at::Tensor& t, int64_t c, int64_t h, int64_t w, const char* what) {
    if (t.dim() != 4 || t.size(1) != c || t.size(2) != h || t.size(3) != w)
        throw InputError(std::string(what) + " must be [N, " + std::to_string(c) + ", " + std::to_string(h) + ", " + std::to_string(w) +
                         "], not " + shapeText({t.sizes().data(), t.sizes().size()}));
}

// A model whose weights (or inputs) are broken gives NaN or Inf: stopped at the batch where it appears,
// named with its timestep and rows, before anything downstream draws or writes it.
void requireFinite(const at::Tensor& out, const std::string& what, int64_t firstRow) {
    if (at::isfinite(out.detach()).all().item<bool>()) return;
    throw InputError("the model's " + what + " is not finite (NaN or Inf) in batch rows " + std::to_string(firstRow) + " … " +
                     std::to_string(firstRow + out.size(0) - 1) + ": its weights or its input are broken");
}

// The text contexts of latents [first, first + n): one for all, or one per latent.
at::Tensor contextRows(const at::Tensor& context, int64_t first, int64_t n) {
    return context.size(0) == 1 ? context.expand({n, -1, -1}) : context.slice(0, first, first + n);
}

}  // namespace

std::string scalarTypeName(c10::ScalarType t) {
    return t == c10::kHalf ? "float16" : t == c10::kBFloat16 ? "bfloat16" : t == c10::kFloat ? "float32" : c10::toString(t);
}

DiffusionModel::~DiffusionModel() = default;

DiffusionModel::DiffusionModel(std::unique_ptr<LatentNetworks> networks, ModelDescription description, int maxBatch)
    : nets_(std::move(networks)), d_(std::move(description)), noiseBatch_(std::make_unique<BatchLimit>(maxBatch)), codingBatch_(std::make_unique<BatchLimit>(maxBatch)) {
    if (maxBatch < 1) throw InputError("the largest batch must be 1 or more");
}

std::shared_ptr<DiffusionModel> DiffusionModel::load(const fs::path& dir, const ComputeOptions& options) {
    if (!fs::is_regular_file(dir / "unet.json"))
        throw InputError(dir.string() + ": not the shipped model's layout (no unet.json); Stable Diffusion loads through models/model_loader.h");
    const c10::Device device = resolveDevice(options.device);
    const c10::ScalarType dtype = resolveDtype(options.dtype, device);
    const fs::path configPath = dir / "unet.json";
    const UnetFile u = parseUnetJson(readJsonFile(configPath), configPath);

    ModelDescription d;
    d.name = dir.string();
    d.schedule = DiscreteSchedule(u.trainSteps, u.betaStart, u.betaEnd);
    d.prediction = parsePrediction(u.prediction);
    auto n = std::make_unique<ShippedNetworks>();
    n->autoencoder = loadAutoencoder(dir);
    const LatentUnetConfig& config = u.config;
    if (config.latentChannels != n->autoencoder.network->config().latentChannels)
        throw InputError(configPath.string() + ": the UNet takes " + std::to_string(config.latentChannels) + " latent channels, the autoencoder makes " +
                         std::to_string(n->autoencoder.network->config().latentChannels));
    const int64_t side = n->autoencoder.imageSize / kAutoencoderDownsampling;
    if (u.latentSize != 0 && u.latentSize != side)
        throw InputError(configPath.string() + ": \"latent_size\" is " + std::to_string(u.latentSize) + ", but the autoencoder makes " +
                         std::to_string(side) + "×" + std::to_string(side) + " latents of its " + std::to_string(n->autoencoder.imageSize) + " px images");
    if (side % (int64_t(1) << (config.channels.size() - 1)) != 0)
        throw InputError(configPath.string() + ": " + std::to_string(config.channels.size()) + " levels halve the " + std::to_string(side) +
                         "-wide latents to a fraction; use fewer \"channels\" entries");
    n->unet = LatentUnet(config);
    loadStateDict(*n->unet, SafetensorsFile(dir / "unet.safetensors"));
    n->unet->eval();
    n->unet->to(device, dtype);
    n->autoencoder.network->to(device, dtype);
    d.imageSize = n->autoencoder.imageSize;
    d.latentScale = n->autoencoder.latentScale;
    d.latentShape = {config.latentChannels, side, side};
    return std::make_shared<DiffusionModel>(std::move(n), std::move(d), options.maxBatch);
}

bool DiffusionModel::textConditioned() const { return nets_->textConditioned(); }

void DiffusionModel::setConditioning(const TextConditioning& c) {
    if (!textConditioned() && (!c.prompt.empty() || !c.negative.empty())) throw InputError(d_.name + ": this model takes no text prompt");
    if (!(c.guidance >= 0 && c.guidance <= 100)) throw InputError("the guidance scale must lie in [0, 100]");
    nets_->setConditioning(c);
    conditioning_ = c;
}

c10::Device DiffusionModel::device() const { return nets_->device(); }
c10::ScalarType DiffusionModel::dtype() const { return nets_->dtype(); }

at::Tensor DiffusionModel::epsilonOfChunk(const at::Tensor& x, int64_t t, const at::Tensor& context, int64_t firstRow) const {
    const at::Tensor xt = x.to(device(), dtype());
    const at::Tensor steps = torch::full({xt.size(0)}, t, torch::TensorOptions().dtype(torch::kLong).device(xt.device()));
    const at::Tensor out = context.defined() ? nets_->predictWith(xt, steps, context.to(device(), dtype())) : nets_->predict(xt, steps);
    requireFinite(out, "noise prediction at timestep " + std::to_string(t), firstRow);
    return epsilonFromPrediction(d_.prediction, out.to(torch::kFloat), xt.to(torch::kFloat), d_.schedule.alphaBar(static_cast<int>(t)));
}

at::Tensor DiffusionModel::epsilon(const at::Tensor& x, int64_t t) const {
    requireShape(x, d_.latentShape[0], d_.latentShape[1], d_.latentShape[2], "latents");
    torch::NoGradGuard noGrad;
    return inMemoryBatches(x, *noiseBatch_, "latents through the noise network", [&](const at::Tensor& part, int64_t first) { return epsilonOfChunk(part, t, {}, first); }).to(x.device(), x.scalar_type());
}

at::Tensor LatentNetworks::embedText(const std::string&) const { throw InputError("this model takes no text prompt"); }

at::Tensor DiffusionModel::textEmbedding(const std::string& prompt) const {
    if (!textConditioned()) throw InputError(d_.name + ": this model takes no text prompt");
    torch::NoGradGuard noGrad;
    return nets_->embedText(prompt).to(torch::kCPU, torch::kFloat);
}

at::Tensor DiffusionModel::epsilonWith(const at::Tensor& x, int64_t t, const at::Tensor& context) const {
    if (!context.defined() || !textConditioned()) return epsilon(x, t);
    requireShape(x, d_.latentShape[0], d_.latentShape[1], d_.latentShape[2], "latents");
    if (context.dim() != 3 || (context.size(0) != 1 && context.size(0) != x.size(0)))
        throw InputError("a text context must be [1 or N, L, D], not " + shapeText({context.sizes().data(), context.sizes().size()}));
    torch::NoGradGuard noGrad;
    return inMemoryBatches(x, *noiseBatch_, "latents through the noise network", [&](const at::Tensor& part, int64_t first) { return epsilonOfChunk(part, t, contextRows(context, first, part.size(0)), first); })
        .to(x.device(), x.scalar_type());
}

at::Tensor DiffusionModel::epsilonWithGradient(const at::Tensor& x, int64_t t, const at::Tensor& context) const {
    requireShape(x, d_.latentShape[0], d_.latentShape[1], d_.latentShape[2], "latents");
    return epsilonOfChunk(x, t, contextRows(context, 0, x.size(0)), 0);
}

at::Tensor DiffusionModel::epsilonAtTimes(const at::Tensor& x, const at::Tensor& tau, const at::Tensor& context) const {
    requireShape(x, d_.latentShape[0], d_.latentShape[1], d_.latentShape[2], "latents");
    if (tau.dim() != 1 || tau.size(0) != x.size(0)) throw InputError("one timestep per latent is needed");
    if (textConditioned() && !context.defined()) throw InputError(d_.name + ": a text model needs a context per call here");
    const at::Tensor xt = x.to(device(), dtype());
    const at::Tensor steps = tau.to(device(), torch::kFloat);
    const bool withText = context.defined() && textConditioned();
    auto predict = [&](const at::Tensor& rows, int64_t first) {
        const int64_t n = rows.size(0);
        const at::Tensor stepsOfRows = steps.slice(0, first, first + n);
        const at::Tensor out = (withText ? nets_->predictWith(rows, stepsOfRows, contextRows(context, first, n).to(device(), dtype()))
                                         : nets_->predict(rows, stepsOfRows))
                                   .to(torch::kFloat);
        requireFinite(out, "noise prediction at fractional timesteps", first);
        return out;
    };
    // Without autograd (posterior means for frames) the rows go in batches that shrink when memory runs
    // out; with it, the caller chunks (the spacetime energy, which also owns the backward's memory).
    const at::Tensor out = at::GradMode::is_enabled() ? predict(xt, 0) : inMemoryBatches(xt, *noiseBatch_, "latents through the noise network", predict);
    if (d_.prediction == Prediction::Epsilon) return out;
    // ᾱ at fractional τ: linear between the table's entries, differentiable in τ.
    std::vector<float> table(static_cast<size_t>(d_.schedule.trainSteps()));
    for (int i = 0; i < d_.schedule.trainSteps(); ++i) table[static_cast<size_t>(i)] = static_cast<float>(d_.schedule.alphaBar(i));
    const at::Tensor bars = torch::tensor(table, torch::TensorOptions().device(steps.device()));
    const at::Tensor t = steps.clamp(0, d_.schedule.trainSteps() - 1);
    const at::Tensor lo = t.floor().to(torch::kLong).clamp_max(d_.schedule.trainSteps() - 2);
    const at::Tensor w = t - lo.to(torch::kFloat);
    const at::Tensor bar = (bars.index_select(0, lo) * (1 - w) + bars.index_select(0, lo + 1) * w).view({-1, 1, 1, 1});
    const at::Tensor a = bar.sqrt(), s = (1 - bar).sqrt(), xf = xt.to(torch::kFloat);
    return d_.prediction == Prediction::Velocity ? a * out + s * xf : (xf - a * out) / s;
}

at::Tensor DiffusionModel::encode(const at::Tensor& images) const {
    requireShape(images, 3, d_.imageSize, d_.imageSize, "images");
    torch::NoGradGuard noGrad;
    return inMemoryBatches(images, *codingBatch_, "images to encode", [&](const at::Tensor& part, int64_t first) {
        const at::Tensor z = nets_->encode(part.to(device(), dtype())).to(torch::kCPU, torch::kFloat);
        requireFinite(z, "encoding of images", first);
        return z * d_.latentScale;
    });
}

at::Tensor DiffusionModel::decode(const at::Tensor& latents) const {
    requireShape(latents, d_.latentShape[0], d_.latentShape[1], d_.latentShape[2], "latents");
    torch::NoGradGuard noGrad;
    return inMemoryBatches(latents, *codingBatch_, "latents to decode", [&](const at::Tensor& part, int64_t first) {
        const at::Tensor images = nets_->decode((part / d_.latentScale).to(device(), dtype())).to(torch::kCPU, torch::kFloat);
        requireFinite(images, "decoding of latents", first);
        return images;
    });
}

std::string DiffusionModel::describe() const {
    return d_.name + ": " + std::to_string(d_.imageSize) + "×" + std::to_string(d_.imageSize) + " images, latent " +
           std::to_string(d_.latentShape[0]) + "×" + std::to_string(d_.latentShape[1]) + "×" + std::to_string(d_.latentShape[2]) + ", " +
           predictionName(d_.prediction) + " prediction, " + device().str() + ", " + scalarTypeName(dtype());
}

}  // namespace geo
