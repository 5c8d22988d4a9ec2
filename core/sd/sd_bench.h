#pragma once
// What Stable Diffusion costs on this machine, measured the way `geodesic-cli sd bench` reports it: the
// published UNet and VAE decoder with seeded random weights (nothing is read or fetched), timed call by
// call, with the floating-point operations of one call counted as the layers run.
#include <functional>
#include <string>
#include <vector>

namespace geo {

struct SdBenchOptions {
    std::string config = "sd15";  // "sd15" or "sd21"
    int size = 512;               // image side; latents are size / 8
    int batch = 1;
    std::string dtype = "auto", device = "auto";
    int runs = 3;                 // timed calls per network, after one untimed warm-up
    bool decoder = true;          // also time the VAE decoder
    bool accuracy = false;        // also the UNet's ε against float32 on the same weights and input
};

struct NetworkTiming {
    std::vector<double> seconds;  // per timed call
    double medianSeconds = 0;     // per call of `batch` rows
    double flops = 0;             // per call
    double gflopsPerSecond() const { return medianSeconds > 0 ? flops / medianSeconds / 1e9 : 0; }
};

struct SdBenchResult {
    SdBenchOptions options;
    std::string dtype, device, blas, cpu;
    int threads = 1;
    NetworkTiming unet, decoder;
    double unetRelativeError = -1;  // with accuracy: |ε − ε_float32| / |ε_float32| (−1: not measured)
};

// `progress(line)` after each call. InputError for an unknown config, a size that is not a multiple of
// 64 (the VAE's ÷8, then the UNet's three halvings), a batch or run count below 1.
SdBenchResult benchStableDiffusion(const SdBenchOptions& options, const std::function<void(const std::string&)>& progress = {});

// The JSON `sd bench --json` writes (keys seconds_per_evaluation, flops_per_evaluation, …).
std::string sdBenchJson(const SdBenchResult& result);

}  // namespace geo
