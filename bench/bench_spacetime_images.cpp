// Spacetime geodesics between images on the shipped model (issue target: a 16-point geodesic between
// two scenes to the stopping rule in 2 minutes or less on 2 cores): per pair of scenes, the median
// wall time of the 16-point solve (inversion, solve, frames), its steps and why it stopped, the network
// passes (forward and backward apart) and the edit distance; then one run of the CLI's default
// (16 points, then 64) per pair.
#include <ATen/Parallel.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>

#include "common/resources.h"
#include "models/model_loader.h"
#include "median.h"
#include "nn/image_tensor.h"
#include "pipeline/spacetime_images.h"
#include "scenes/scene.h"

int main(int argc, char** argv) {
    using namespace geo;
    int runs = 3;
    for (int i = 1; i < argc; ++i)
        if (!std::strcmp(argv[i], "--runs") && i + 1 < argc) runs = std::max(1, std::atoi(argv[++i]));
    const auto model = loadModel({}, ComputeOptions{"cpu", "float32", 64});
    at::set_num_threads(2);
    std::printf("%s, %d threads\n", model->describe().c_str(), at::get_num_threads());
    std::printf("%-12s %8s %10s %6s %-10s %9s %9s %9s %8s\n", "pair", "points", "median s", "steps", "stopped", "forward", "backward", "DED", "λ min");
    for (uint64_t seed : {1000000100ULL, 1000000102ULL, 1000000104ULL}) {
        const at::Tensor images = imagesToTensor({renderScene(randomScene(seed)), renderScene(randomScene(seed + 1))});
        SpacetimeImageOptions o;
        o.finePoints = o.coarsePoints = 16;
        o.fineSteps = 0;
        SpacetimeImagePath r;
        const double ms = medianMs(runs, [&] { r = spacetimeBetweenImages(model, images, o); });
        char name[32];
        std::snprintf(name, sizeof name, "%llu", static_cast<unsigned long long>(seed % 1000));
        std::printf("%-12s %8d %10.2f %6d %-10s %9lld %9lld %9.3f %8.2f\n", name, 16, ms / 1000, r.steps, r.stop.c_str(), r.forward, r.backward, r.editDistance,
                    r.lambdaMin);
        std::fflush(stdout);
        SpacetimeImageOptions cli;  // the CLI's default: 16 points, then 64
        const auto start = std::chrono::steady_clock::now();
        r = spacetimeBetweenImages(model, images, cli);
        const double cliMs = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
        std::printf("%-12s %8d %10.2f %6d %-10s %9lld %9lld %9.3f %8.2f\n", name, 64, cliMs / 1000, r.steps, r.stop.c_str(), r.forward, r.backward,
                    r.editDistance, r.lambdaMin);
        std::fflush(stdout);
    }
    std::printf("16 points: median over %d runs after one warm-up; 64 points: one run\n", runs);
}
