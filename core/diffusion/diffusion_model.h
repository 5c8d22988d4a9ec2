#pragma once
// A latent diffusion model as the program uses it: the discrete schedule, the noise network (its
// output converted to ε whatever it predicts), the autoencoder with its latent scale, on a device and
// in a dtype. A model folder holds unet.json + unet.safetensors beside autoencoder.json +
// autoencoder.safetensors.
#include <ATen/core/Tensor.h>
#include <c10/core/Device.h>
#include <c10/core/ScalarType.h>

#include <array>
#include <filesystem>
#include <memory>
#include <string>
#include <utility>

#include "diffusion/epsilon_model.h"
#include "schedule/discrete_schedule.h"

namespace geo {

class BatchLimit;

// What the network's output is: the noise ε, the velocity v = √ᾱ ε − √(1−ᾱ) x₀, or the clean sample x₀.
enum class Prediction { Epsilon, Velocity, Sample };
Prediction parsePrediction(const std::string& name);  // "epsilon", "v_prediction", "sample" (diffusers' names)
std::string predictionName(Prediction p);
// ε from a network output at the level ᾱ of x_t.
at::Tensor epsilonFromPrediction(Prediction p, const at::Tensor& output, const at::Tensor& xt, double alphaBar);

struct ComputeOptions {
    std::string device = "auto";  // "auto" (CUDA when available), "cpu", "cuda", "cuda:1", …
    std::string dtype = "auto";   // "auto" (per network, see AutoDtype), "float32", "float16", "bfloat16"
    int maxBatch = 64;            // larger batches are evaluated in chunks of this size (halved on out of memory)
};
c10::Device resolveDevice(const std::string& name);  // InputError for unknown names or CUDA without a GPU

// What "auto" means for one network: the dtype on a CPU with bfloat16 units (AVX-512 BF16 or AMX),
// on any other CPU, and on CUDA. Each network family states its own, from measurements
// (docs/benchmarks.md): half width where it is faster and its accuracy is stated.
struct AutoDtype {
    c10::ScalarType bf16Cpu = c10::kFloat, otherCpu = c10::kFloat, cuda = c10::kFloat;
};
c10::ScalarType resolveDtype(const std::string& name, c10::Device device, const AutoDtype& automatic = {});
std::string scalarTypeName(c10::ScalarType t);  // "float32", "float16", "bfloat16", …

// What a text-conditioned model is asked for: classifier-free guidance
// ε = ε(∅) + guidance · (ε(prompt) − ε(∅)), where ∅ is the negative prompt (empty by default).
// guidance 1 evaluates the prompt alone.
struct TextConditioning {
    std::string prompt, negative;
    double guidance = 1;
};

// The networks behind a DiffusionModel: the noise network with whatever conditioning it carries, and
// the autoencoder. Inputs arrive on device() in dtype().
class LatentNetworks {
public:
    virtual ~LatentNetworks() = default;
    virtual at::Tensor predict(const at::Tensor& xt, const at::Tensor& steps) const = 0;  // the network's raw output
    // The raw output conditioned on `context` (text embeddings, one row per latent or one for all),
    // without guidance and without touching the default conditioning. Models without text ignore it.
    virtual at::Tensor predictWith(const at::Tensor& xt, const at::Tensor& steps, const at::Tensor& context) const {
        (void)context;
        return predict(xt, steps);
    }
    virtual at::Tensor embedText(const std::string& prompt) const;  // [1, L, D] on device() in dtype()
    virtual at::Tensor encode(const at::Tensor& images) const = 0;                        // unscaled latents
    virtual at::Tensor decode(const at::Tensor& latents) const = 0;                       // unscaled latents → images
    virtual c10::Device device() const = 0;
    virtual c10::ScalarType dtype() const = 0;
    virtual bool textConditioned() const { return false; }
    virtual void setConditioning(const TextConditioning&) {}
};

// Everything about a model but its networks.
struct ModelDescription {
    std::string name;  // what describe() starts with: the folder or file, and its kind
    DiscreteSchedule schedule;
    Prediction prediction = Prediction::Epsilon;
    std::array<int64_t, 3> latentShape{4, 16, 16};
    int imageSize = 64;
    double latentScale = 1;
};

class DiffusionModel final : public EpsilonModel {
public:
    // The shipped model's layout (unet.json beside unet.safetensors). Any kind of model, Stable
    // Diffusion included, loads through loadModel (models/model_loader.h).
    static std::shared_ptr<DiffusionModel> load(const std::filesystem::path& path, const ComputeOptions& options = {});
    DiffusionModel(std::unique_ptr<LatentNetworks> networks, ModelDescription description, int maxBatch);
    ~DiffusionModel() override;

    bool textConditioned() const;
    // The prompt every later epsilon(x, t) call is conditioned on (InputError for a model without text).
    // Not to be called while another thread evaluates the model; code that conditions per point or
    // runs beside other jobs passes the conditioning per call instead (textEmbedding, epsilonWith).
    void setConditioning(const TextConditioning& conditioning);
    const TextConditioning& conditioning() const { return conditioning_; }

    // x: [N, C, H, W] scaled latents, any device and float dtype; ε comes back in x's device and dtype.
    at::Tensor epsilon(const at::Tensor& x, int64_t t) const override;
    // A prompt's text embedding, [1, L, D] float32 on the CPU (InputError for a model without text).
    at::Tensor textEmbedding(const std::string& prompt) const;
    // ε conditioned per call: `context` is [N, L, D] (one embedding per latent), [1, L, D], or
    // undefined for a model without text. No guidance, no shared state: safe beside other callers.
    at::Tensor epsilonWith(const at::Tensor& x, int64_t t, const at::Tensor& context) const;
    c10::Device device() const override;
    c10::ScalarType dtype() const;

    // ε with autograd on (for optimising a text embedding through the network): x [N, C, H, W] at
    // timestep t, context [N or 1, L, D]; float32 on the model's device.
    at::Tensor epsilonWithGradient(const at::Tensor& x, int64_t t, const at::Tensor& context) const;

    // ε at a fractional timestep per latent (the networks' sinusoidal time embedding takes any real τ):
    // x [N, C, H, W], tau [N] within [0, trainSteps − 1], context as for epsilonWith (required by a
    // text model: no guidance). Autograd as the caller has it, to second order (the spacetime energy
    // differentiates through a divergence); float32 on the model's device; one network call.
    at::Tensor epsilonAtTimes(const at::Tensor& x, const at::Tensor& tau, const at::Tensor& context = {}) const;

    at::Tensor encode(const at::Tensor& images) const;   // [N, 3, S, S] in [−1, 1] → scaled latents, float32 on CPU
    at::Tensor decode(const at::Tensor& latents) const;  // scaled latents → images in [−1, 1], float32 on CPU

    const DiscreteSchedule& schedule() const { return d_.schedule; }
    Prediction prediction() const { return d_.prediction; }
    std::array<int64_t, 3> latentShape() const { return d_.latentShape; }
    int imageSize() const { return d_.imageSize; }
    double latentScale() const { return d_.latentScale; }
    std::string describe() const;  // one line: folder, sizes, device, dtype

private:
    // ε of latents small enough for one network call, with autograd as the caller has it; conditioned on
    // context (one row per latent) when it is defined, else on the default conditioning.
    at::Tensor epsilonOfChunk(const at::Tensor& x, int64_t t, const at::Tensor& context, int64_t firstRow) const;

    std::unique_ptr<LatentNetworks> nets_;
    ModelDescription d_;
    // maxBatch at first, each halved when the device runs out of memory: the noise network's and the
    // autoencoder's (whose activations per row differ).
    std::unique_ptr<BatchLimit> noiseBatch_, codingBatch_;
    TextConditioning conditioning_;
};

}  // namespace geo
