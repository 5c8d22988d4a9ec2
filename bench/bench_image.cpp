// The image pipeline end to end on the shipped model (encode, invert, solve, decode geodesic and
// baseline, measure), per solver: medians over repeated runs of the whole run and of the time to the
// first solver snapshot, UNet evaluations per level, and the length ratio to the slerp baseline.
// With --sd-unet: seconds per evaluation of a full-size Stable Diffusion 1.5 UNet (random weights) at
// 512×512 (latent 4×64×64) on this machine, and what a published solve costs at that rate.
#include <torch/torch.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <string>
#include <vector>

#include "common/resources.h"
#include "models/model_loader.h"
#include "nn/image_tensor.h"
#include "nn/state_dict.h"
#include "pipeline/image_pipeline.h"
#include "scenes/scene.h"
#include "sd/sd_bench.h"

using namespace geo;
using Clock = std::chrono::steady_clock;

namespace {

double median(std::vector<double> v) {
    std::nth_element(v.begin(), v.begin() + v.size() / 2, v.end());
    return v[v.size() / 2];
}

void benchShipped(int runs) {
    const auto model = loadModel({}, ComputeOptions{});
    const at::Tensor images = imagesToTensor({renderScene(randomScene(1000000100)), renderScene(randomScene(1000000101))});
    struct Config {
        const char* name;
        LatentBvpMethod method;
        bool earlySwitch;
        int perLevel = 100;
    };
    for (const Config& c : {Config{"published (early switch, as published)", LatentBvpMethod::Published, true},
                            Config{"published, all 400 iterations", LatentBvpMethod::Published, false},
                            Config{"implicit", LatentBvpMethod::Implicit, true},
                            Config{"implicit, 40 iterations per level", LatentBvpMethod::Implicit, true, 40}}) {
        ImagePipelineOptions o = defaultPipelineOptions(*model);
        o.solver.method = c.method;
        o.solver.earlySwitch = c.earlySwitch;
        o.solver.iterationsPerLevel = c.perLevel;
        std::vector<double> total, first;
        ImagePath r;
        for (int i = 0; i < runs; ++i) {
            const auto start = Clock::now();
            double firstSnapshot = -1;
            r = interpolateImages(model, images, o, {}, [&](const PipelineProgress& p) {
                if (p.solver && firstSnapshot < 0) firstSnapshot = std::chrono::duration<double>(Clock::now() - start).count();
            });
            total.push_back(std::chrono::duration<double>(Clock::now() - start).count());
            first.push_back(firstSnapshot);
        }
        std::printf("%-40s end to end %.2f s (min %.2f, max %.2f), first snapshot %.3f s, %d iterations, UNet evaluations %lld (solver per level:",
                    c.name, median(total), *std::min_element(total.begin(), total.end()), *std::max_element(total.begin(), total.end()), median(first),
                    r.iterations, r.evaluations.total());
        for (long long e : r.evaluationsPerLevel) std::printf(" %lld", e);
        std::printf("), length ratio to slerp %.4f, residual %.3f (slerp %.3f)\n", std::exp(r.path.logLength - r.baseline.logLength), r.path.residualMean,
                    r.baseline.residualMean);
        std::fflush(stdout);
    }
}

// Through the same measurement as `geodesic-cli sd bench` (float32, as this benchmark always ran).
void benchSdUnet(int runs) {
    for (int batch : {1, 2}) {
        SdBenchOptions o;
        o.batch = batch;
        o.runs = runs;
        o.dtype = "float32";
        o.decoder = false;
        const SdBenchResult r = benchStableDiffusion(o, [](const std::string& line) {
            std::printf("  %s\n", line.c_str());
            std::fflush(stdout);
        });
        const double per = r.unet.medianSeconds / batch;
        std::printf("SD 1.5 UNet, random weights, %s, %d threads, batch %d: %.2f s per call, %.2f s per latent\n", r.dtype.c_str(), r.threads, batch,
                    r.unet.medianSeconds, per);
        if (batch == 2) {
            // §4.7: 5 200 solver rows, 60 inversion rows, 17 + 17 frames × 30 decode steps.
            const double rows = 5200 + 60 + 34 * 30;
            std::printf("a published solve between two 512x512 images (%.0f UNet rows): %.1f hours on this CPU\n", rows, rows * per / 3600);
        }
        std::fflush(stdout);
    }
}

}  // namespace

int main(int argc, char** argv) {
    useAllCoresForTorch();
    int runs = 5;
    bool sd = false;
    for (int i = 1; i < argc; ++i) {
        if (!std::strcmp(argv[i], "--sd-unet")) sd = true;
        else if (!std::strcmp(argv[i], "--runs") && i + 1 < argc) runs = std::max(1, std::atoi(argv[++i]));
    }
    if (sd) benchSdUnet(runs);
    else benchShipped(runs);
}
