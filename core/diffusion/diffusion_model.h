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

#include "diffusion/epsilon_model.h"
#include "schedule/discrete_schedule.h"

namespace geo {

// What the network's output is: the noise ε, the velocity v = √ᾱ ε − √(1−ᾱ) x₀, or the clean sample x₀.
enum class Prediction { Epsilon, Velocity, Sample };
Prediction parsePrediction(const std::string& name);  // "epsilon", "v_prediction", "sample" (diffusers' names)
std::string predictionName(Prediction p);
// ε from a network output at the level ᾱ of x_t.
at::Tensor epsilonFromPrediction(Prediction p, const at::Tensor& output, const at::Tensor& xt, double alphaBar);

struct ComputeOptions {
    std::string device = "auto";    // "auto" (CUDA when available), "cpu", "cuda", "cuda:1", …
    std::string dtype = "float32";  // "float32", "float16", "bfloat16"
    int maxBatch = 64;              // larger batches are evaluated in chunks of this size
};
c10::Device resolveDevice(const std::string& name);  // InputError for unknown names or CUDA without a GPU
c10::ScalarType resolveDtype(const std::string& name, c10::Device device);

class DiffusionModel final : public EpsilonModel {
public:
    static std::shared_ptr<DiffusionModel> load(const std::filesystem::path& dir, const ComputeOptions& options = {});
    ~DiffusionModel() override;

    // x: [N, C, H, W] scaled latents, any device and float dtype; ε comes back in x's device and dtype.
    at::Tensor epsilon(const at::Tensor& x, int64_t t) const override;
    c10::Device device() const override;
    c10::ScalarType dtype() const;

    at::Tensor encode(const at::Tensor& images) const;   // [N, 3, S, S] in [−1, 1] → scaled latents, float32 on CPU
    at::Tensor decode(const at::Tensor& latents) const;  // scaled latents → images in [−1, 1], float32 on CPU

    const DiscreteSchedule& schedule() const { return schedule_; }
    Prediction prediction() const { return prediction_; }
    std::array<int64_t, 3> latentShape() const { return latentShape_; }
    int imageSize() const { return imageSize_; }
    double latentScale() const { return latentScale_; }
    std::string describe() const;  // one line: folder, sizes, device, dtype

private:
    struct Networks;
    DiffusionModel() = default;
    std::unique_ptr<Networks> nets_;
    std::filesystem::path dir_;
    DiscreteSchedule schedule_;
    Prediction prediction_ = Prediction::Epsilon;
    std::array<int64_t, 3> latentShape_{4, 16, 16};
    int imageSize_ = 64;
    double latentScale_ = 1;
    int maxBatch_ = 64;
};

}  // namespace geo
