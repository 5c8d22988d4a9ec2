#include "sd/sd_bench.h"

#include <torch/cuda.h>
#include <torch/torch.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <nlohmann/json.hpp>

#include "common/errors.h"
#include "common/machine.h"
#include "diffusion/diffusion_model.h"
#include "nn/state_dict.h"
#include "sd/sd_blocks.h"
#include "sd/sd_networks.h"

namespace geo {

namespace {

using Clock = std::chrono::steady_clock;

double median(std::vector<double> v) {
    std::sort(v.begin(), v.end());
    const size_t n = v.size();
    return n == 0 ? 0 : n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

// One warm-up call (oneDNN picks its kernels there), then `runs` timed ones; the FLOPs of one call.
NetworkTiming timeCalls(int runs, const std::string& what, const std::function<void()>& call, const std::function<void(const std::string&)>& progress) {
    NetworkTiming t;
    {
        sd::FlopCount count;
        call();
        t.flops = count.flops();
    }
    for (int i = 0; i < runs; ++i) {
        const auto start = Clock::now();
        call();
        t.seconds.push_back(std::chrono::duration<double>(Clock::now() - start).count());
        if (progress) {
            char line[160];
            std::snprintf(line, sizeof line, "%s call %d of %d: %.3f s", what.c_str(), i + 1, runs, t.seconds.back());
            progress(line);
        }
    }
    t.medianSeconds = median(t.seconds);
    return t;
}

nlohmann::json timingJson(const NetworkTiming& t) {
    return {{"seconds", t.seconds}, {"seconds_per_evaluation", t.medianSeconds}, {"flops_per_evaluation", t.flops}, {"gflops_per_second", t.gflopsPerSecond()}};
}

}  // namespace

SdBenchResult benchStableDiffusion(const SdBenchOptions& o, const std::function<void(const std::string&)>& progress) {
    if (o.config != "sd15" && o.config != "sd21") throw InputError("unknown --config \"" + o.config + "\" (expected sd15 or sd21)");
    if (o.size < 64 || o.size % 64 != 0) throw InputError("--size must be a multiple of 64 (the UNet halves the latent three times), not " + std::to_string(o.size));
    if (o.batch < 1 || o.runs < 1) throw InputError("--batch and --runs must be 1 or more");
    useAllCoresForTorch();
    const c10::Device device = resolveDevice(o.device);
    const SdDtypes dtypes = sdDtypes(o.dtype, device);
    torch::manual_seed(0);
    torch::NoGradGuard noGrad;
    const bool sd2 = o.config == "sd21";
    sd::Unet unet(sd2 ? sd2UnetConfig() : sd15UnetConfig());
    unet->eval();
    unet->to(device, dtypes.unet);
    sd::prepareForInference(*unet);

    SdBenchResult r;
    r.options = o;
    r.dtype = scalarTypeName(dtypes.unet);
    r.device = device.str();
    r.blas = loadedBlas().name;
    r.cpu = machineSummary();
    r.threads = at::get_num_threads();
    const int64_t side = o.size / 8;
    const auto opts = torch::TensorOptions().device(device).dtype(dtypes.unet);
    const at::Tensor x = torch::randn({o.batch, 4, side, side}, opts), steps = torch::full({o.batch}, 581, torch::TensorOptions().device(device).dtype(torch::kLong));
    const at::Tensor context = torch::randn({o.batch, 77, unet->config().crossAttentionDim}, opts);
    auto sync = [&] {
        if (device.is_cuda()) torch::cuda::synchronize();
    };
    r.unet = timeCalls(o.runs, "UNet", [&] { unet->forward(x, steps, context); sync(); }, progress);
    if (o.accuracy) {
        // The same weights (the same seed before the same construction) in float32, on the same input.
        const at::Tensor eps = unet->forward(x, steps, context).to(torch::kCPU, torch::kDouble);
        unet = nullptr;
        torch::manual_seed(0);
        sd::Unet reference(sd2 ? sd2UnetConfig() : sd15UnetConfig());
        reference->eval();
        reference->to(device, torch::kFloat);
        sd::prepareForInference(*reference);
        const at::Tensor want = reference->forward(x.to(torch::kFloat), steps, context.to(torch::kFloat)).to(torch::kCPU, torch::kDouble);
        r.unetRelativeError = ((eps - want).norm() / want.norm()).item<double>();
        if (progress) progress("UNet against float32: " + std::to_string(100 * r.unetRelativeError) + " % relative");
    }
    if (o.decoder) {
        unet = nullptr;  // the decoder's activations at 512² need the memory
        sd::Vae vae(SdVaeConfig{});
        vae->eval();
        vae->to(device, dtypes.vae);
        sd::prepareForInference(*vae);
        const at::Tensor z = torch::randn({o.batch, 4, side, side}, torch::TensorOptions().device(device).dtype(dtypes.vae));
        r.decoder = timeCalls(o.runs, "VAE decoder", [&] { vae->decode(z); sync(); }, progress);
    }
    return r;
}

std::string sdBenchJson(const SdBenchResult& r) {
    nlohmann::json j = timingJson(r.unet);
    j["config"] = r.options.config;
    j["size"] = r.options.size;
    j["batch"] = r.options.batch;
    j["runs"] = r.options.runs;
    j["dtype"] = r.dtype;
    j["device"] = r.device;
    j["threads"] = r.threads;
    j["blas"] = r.blas;
    j["machine"] = r.cpu;
    if (r.unetRelativeError >= 0) j["unet_relative_error"] = r.unetRelativeError;
    if (r.options.decoder) {
        j["decoder_seconds"] = r.decoder.medianSeconds;
        j["decoder"] = timingJson(r.decoder);
    }
    return j.dump(2) + "\n";
}

}  // namespace geo
