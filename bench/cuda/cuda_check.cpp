// The shipped model on a CUDA GPU against the CPU, timings, and the out-of-memory retries with the
// caching allocator capped (scripts/cuda-check.sh; figures in docs/benchmarks.md and docs/hardening.md).
// Prints one line per check and exits 1 when a check fails.
#include <torch/torch.h>
#ifdef GEODESIC_WITH_CUDA
#include <c10/cuda/CUDACachingAllocator.h>
#include <cuda_runtime_api.h>
#endif

#include <cstdio>
#include <mutex>
#include <string>
#include <vector>

#include "../median.h"
#include "common/errors.h"
#include "common/notices.h"
#include "common/resources.h"
#include "diffusion/diffusion_model.h"
#include "diffusion/network_posterior.h"
#include "sd/sd_config.h"
#include "sd/sd_unet.h"
#include "spacetime/network_energy.h"

using namespace geo;

namespace {

int failures = 0;

void check(bool ok, const char* what, double value, double bound) {
    std::printf("%s %s: %.3g (bound %.3g)\n", ok ? "PASS" : "FAIL", what, value, bound);
    if (!ok) ++failures;
}
void checkBelow(const char* what, double value, double bound) { check(value < bound, what, value, bound); }

double relative(const at::Tensor& a, const at::Tensor& b) {
    return ((a.to(torch::kCPU, torch::kDouble) - b.to(torch::kCPU, torch::kDouble)).norm() / b.to(torch::kDouble).norm()).item<double>();
}

// A spacetime curve of n points between two random latents, dipping to λ = 1 in the middle.
Eigen::MatrixXd curve(int n, int64_t d) {
    torch::manual_seed(3);
    const at::Tensor a = torch::randn({d}, torch::kDouble), b = torch::randn({d}, torch::kDouble);
    Eigen::MatrixXd z(n, d + 1);
    for (int i = 0; i < n; ++i) {
        const double s = double(i) / (n - 1);
        z(i, 0) = 3 - 2 * std::sin(M_PI * s);
        const at::Tensor x = ((1 - s) * a + s * b).contiguous();
        z.row(i).tail(d) = Eigen::Map<const Eigen::VectorXd>(x.data_ptr<double>(), d).transpose();
    }
    return z;
}

// Stable Diffusion 1.5's UNet with random weights (no weights can be fetched here) as a noise network
// with one fixed random text context: what memory and time a spacetime energy with its double
// backward needs at 512×512 (64×64 latents). No autoencoder: the energy never decodes.
class RandomSdUnet final : public LatentNetworks {
public:
    RandomSdUnet(c10::Device device, c10::ScalarType dtype) : unet_(sd15UnetConfig()), device_(device), dtype_(dtype) {
        torch::manual_seed(5);
        unet_->to(device, dtype);
        unet_->eval();
        context_ = 0.5 * torch::randn({1, 77, 768}, torch::TensorOptions().device(device).dtype(dtype));
    }
    at::Tensor predict(const at::Tensor& xt, const at::Tensor& steps) const override {
        return const_cast<sd::UnetImpl&>(*unet_).forward(xt, steps, context_.expand({xt.size(0), -1, -1}));
    }
    at::Tensor encode(const at::Tensor&) const override { throw InputError("the SD check has no autoencoder"); }
    at::Tensor decode(const at::Tensor&) const override { throw InputError("the SD check has no autoencoder"); }
    c10::Device device() const override { return device_; }
    c10::ScalarType dtype() const override { return dtype_; }

private:
    sd::Unet unet_;
    c10::Device device_;
    c10::ScalarType dtype_;
    at::Tensor context_;
};

// float32 gives the reference the float16 energies are compared with (one chunk size: it needs twice the memory).
int sdUnetChunks(c10::ScalarType dtype) {
#ifdef GEODESIC_WITH_CUDA
    ModelDescription d;
    d.name = "SD 1.5 UNet, random weights";
    d.latentShape = {4, 64, 64};
    d.imageSize = 512;
    d.latentScale = 0.18215;
    const c10::Device cuda(c10::kCUDA, 0);
    const auto model = std::make_shared<DiffusionModel>(std::make_unique<RandomSdUnet>(cuda, dtype), d, 64);
    const Eigen::MatrixXd z = curve(16, 4 * 64 * 64);
    const bool half = dtype == c10::kHalf;
    std::printf("%s, %s, 16-point curve at 512x512\n", d.name.c_str(), half ? "float16" : "float32");
    for (int chunk : half ? std::vector<int>{16, 9, 4, 2} : std::vector<int>{4}) {
        const NetworkPosterior q(model);
        c10::cuda::CUDACachingAllocator::emptyCache();
        c10::cuda::CUDACachingAllocator::resetPeakStats(0);
        NetworkEnergy e;
        const double ms = medianMs(3, [&] {
            e = networkSpacetimeEnergy(q, z, true, {chunk, 7});
            torch::cuda::synchronize();
        });
        const double peak = static_cast<double>(c10::cuda::CUDACachingAllocator::getDeviceStats(0).allocated_bytes[0].peak);  // [0]: all pools
        std::printf("chunk %2d: energy + gradient %.0f ms (median of 3), peak %.1f GiB, energy %.6g, %lld forward\n", chunk, ms, peak / 1073741824.0,
                    e.energy, e.forward);
    }
    return 0;
#else
    std::printf("built without CUDA\n");
    return 2;
#endif
}

}  // namespace

int main(int argc, char** argv) {
    if (argc > 1 && std::string(argv[1]) == "--sd-unet") {
        try {
            const bool float32 = argc > 2 && std::string(argv[2]) == "float32";
            return torch::cuda::is_available() ? sdUnetChunks(float32 ? c10::kFloat : c10::kHalf) : 2;
        } catch (const std::exception& e) {
            std::printf("FAILED: %s\n", e.what());
            return 1;
        }
    }
    if (!torch::cuda::is_available()) {
        std::printf("no CUDA device\n");
        return 2;
    }
    std::vector<std::string> notices;
    std::mutex m;
    setNoticeSink([&](const std::string& text) {
        const std::lock_guard lock(m);
        std::printf("notice: %s\n", text.c_str());
        notices.push_back(text);
    });
    const auto dir = defaultModelDir();
    const auto cpu = DiffusionModel::load(dir, {"cpu", "float32", 64});
    const auto gpu = DiffusionModel::load(dir, {"cuda", "float32", 64});
    const auto half = DiffusionModel::load(dir, {"cuda", "float16", 64});
    std::printf("%s\n%s\n", cpu->describe().c_str(), gpu->describe().c_str());
    const auto shape = gpu->latentShape();
    torch::manual_seed(1);
    const at::Tensor x = torch::randn({256, shape[0], shape[1], shape[2]});

    // CUDA against the CPU: cuDNN's float32 convolutions run in TF32 by default (10-bit mantissa), so
    // 1e-2 relative as for float16.
    const at::Tensor eCpu = cpu->epsilon(x.slice(0, 0, 64), 300);
    checkBelow("epsilon cuda float32 vs cpu, relative", relative(gpu->epsilon(x.slice(0, 0, 64), 300), eCpu), 1e-2);
    checkBelow("epsilon cuda float16 vs cpu, relative", relative(half->epsilon(x.slice(0, 0, 64), 300), eCpu), 1e-2);
    const at::Tensor dCpu = cpu->decode(x.slice(0, 0, 16));
    checkBelow("decode cuda float32 vs cpu, relative", relative(gpu->decode(x.slice(0, 0, 16)), dCpu), 1e-2);

    const int64_t d = shape[0] * shape[1] * shape[2];
    const Eigen::MatrixXd z = curve(16, d);
    const NetworkEnergy onCpu = networkSpacetimeEnergy(NetworkPosterior(cpu), z, true, {16, 7});
    const NetworkEnergy onGpu = networkSpacetimeEnergy(NetworkPosterior(gpu), z, true, {16, 7});
    checkBelow("spacetime energy cuda vs cpu, relative", std::abs(onGpu.energy - onCpu.energy) / std::abs(onCpu.energy), 1e-2);
    checkBelow("spacetime gradient cuda vs cpu, relative", (onGpu.gradient - onCpu.gradient).norm() / onCpu.gradient.norm(), 3e-2);

    // Timings, medians of 10 after a warm-up.
    auto sync = [] { torch::cuda::synchronize(); };
    std::printf("time epsilon 64 latents: cpu %.1f ms, cuda float32 %.2f ms, float16 %.2f ms\n",
                medianMs(5, [&] { cpu->epsilon(x.slice(0, 0, 64), 300); }),
                medianMs(10, [&] { gpu->epsilon(x.slice(0, 0, 64), 300); sync(); }),
                medianMs(10, [&] { half->epsilon(x.slice(0, 0, 64), 300); sync(); }));
    std::printf("time spacetime energy + gradient, 16 points: cpu %.1f ms, cuda %.2f ms\n",
                medianMs(3, [&] { networkSpacetimeEnergy(NetworkPosterior(cpu), z, true, {16, 7}); }),
                medianMs(10, [&] { networkSpacetimeEnergy(NetworkPosterior(gpu), z, true, {16, 7}); sync(); }));

#ifdef GEODESIC_WITH_CUDA
    // Out of memory for real: the caching allocator capped at 512 MiB, a batch limit far above what
    // fits. The batches halve until they fit and the results equal unlimited ones. TF32 off here: with
    // it, cuDNN's choice of algorithm per batch size alone moves ε by 2e-4, and the curve's differences
    // of nearby points amplify that in the gradient (3e-2 seen with 512 points).
    at::globalContext().setAllowTF32CuDNN(false);
    at::globalContext().setAllowTF32CuBLAS(false);
    const at::Tensor many = torch::randn({16384, shape[0], shape[1], shape[2]});
    const at::Tensor wantMany = gpu->epsilon(many, 300);
    const Eigen::MatrixXd long_ = curve(192, d);
    const NetworkEnergy wantLong = networkSpacetimeEnergy(NetworkPosterior(gpu), long_, true, {16, 7});
    c10::cuda::CUDACachingAllocator::emptyCache();
    size_t freeBytes = 0, totalBytes = 0;
    cudaMemGetInfo(&freeBytes, &totalBytes);
    const double capBytes = 512.0 * 1024 * 1024;  // 512 MiB for this process's tensors
    c10::cuda::CUDACachingAllocator::setMemoryFraction(capBytes / static_cast<double>(totalBytes), 0);
    std::printf("allocator capped at %.0f MiB of %.0f GiB\n", capBytes / 1048576, totalBytes / 1073741824.0);
    const auto capped = DiffusionModel::load(dir, {"cuda", "float32", 16384});
    notices.clear();
    const at::Tensor gotMany = capped->epsilon(many, 300);
    check(!notices.empty(), "halvings of the noise network's batch", static_cast<double>(notices.size()), 1);
    check(relative(gotMany, wantMany) < 1e-5, "16384 latents after halving vs batches of 64, relative", relative(gotMany, wantMany), 1e-5);
    const size_t before = notices.size();
    capped->epsilon(many, 301);
    check(notices.size() == before, "no further halving on the next call", static_cast<double>(notices.size() - before), 0);
    const NetworkPosterior q(capped);
    notices.clear();
    const NetworkEnergy gotLong = networkSpacetimeEnergy(q, long_, true, {192, 7});
    std::printf("spacetime chunk after halving: %lld points\n", static_cast<long long>(q.pointsPerCall().get()));
    check(!notices.empty(), "halvings of the spacetime chunk", static_cast<double>(notices.size()), 1);
    check(std::abs(gotLong.energy - wantLong.energy) < 1e-4 * std::abs(wantLong.energy), "192-point energy after halving vs chunks of 16, relative",
          std::abs(gotLong.energy - wantLong.energy) / std::abs(wantLong.energy), 1e-4);
    check((gotLong.gradient - wantLong.gradient).norm() < 1e-3 * wantLong.gradient.norm(), "192-point gradient after halving, relative",
          (gotLong.gradient - wantLong.gradient).norm() / wantLong.gradient.norm(), 1e-3);
    c10::cuda::CUDACachingAllocator::setMemoryFraction(1.0, 0);
#endif
    std::printf("%s: %d failed\n", failures ? "FAILED" : "ALL PASSED", failures);
    return failures ? 1 : 0;
}
