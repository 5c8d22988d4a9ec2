// How few sampler steps the image pipeline needs (issue 23), on the shipped model and held-out scene
// pairs: (1) DPM-Solver++ decodes of the published pipeline's latents against its 30-step DDIM frames
// (PSNR, worst frame); (2) round trips image → latent at τ* → image, DDIM-30 both ways against
// DPM-Solver++ with M steps up and N down (PSNR to the input); (3) whole interpolations with the
// published sampling and the default: evaluations by stage, the length ratio to the slerp as the
// pipeline reports it and re-measured on 4× finer points (an independent polyline), the end frames'
// PSNR to the inputs, and the frames' PSNR to the published pipeline's.
#include <torch/torch.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

#include "diffusion/ddim.h"
#include "diffusion/dpm_solver.h"
#include "measures/latent_path_measures.h"
#include "models/model_loader.h"
#include "nn/image_tensor.h"
#include "nn/state_dict.h"
#include "pipeline/image_pipeline.h"
#include "pipeline/model_path_score.h"
#include "scenes/scene.h"

using namespace geo;

namespace {

struct Psnr {
    double worst = INFINITY, mean = 0;
};

Psnr framePsnr(const at::Tensor& a, const at::Tensor& b) {
    Psnr p;
    for (int64_t i = 0; i < a.size(0); ++i) {
        const double v = psnr(a[i], b[i]);
        p.worst = std::min(p.worst, v);
        p.mean += v / static_cast<double>(a.size(0));
    }
    return p;
}

// The length ratio of two latent frame sequences re-measured on `refine`× finer points (linear between
// frames) with the deterministic score: not the pipeline's own 17-point trapezoid.
double refinedRatio(const std::shared_ptr<const DiffusionModel>& model, const ImagePath& r, int refine) {
    ScoreOptions so;
    so.timestep = r.timestep;
    const ModelPathScore score(model, so);
    double logLength[2];
    const at::Tensor* sequences[2] = {&r.latents, &r.baselineLatents};
    for (int k = 0; k < 2; ++k) {
        const Points x = latentsToPoints(*sequences[k]);
        Points fine((x.rows() - 1) * refine + 1, x.cols());
        std::vector<double> t;
        for (Eigen::Index i = 0; i + 1 < x.rows(); ++i)
            for (int j = 0; j < refine; ++j) {
                const double w = static_cast<double>(j) / refine;
                fine.row(i * refine + j) = (1 - w) * x.row(i) + w * x.row(i + 1);
            }
        fine.row(fine.rows() - 1) = x.row(x.rows() - 1);
        for (Eigen::Index i = 0; i < fine.rows(); ++i) t.push_back(static_cast<double>(i) / (fine.rows() - 1));
        logLength[k] = measureLatentPath(fine, score.score(fine, t, PathScore::kDeterministic, {}), r.alpha, true).logLength;
    }
    return std::exp(logLength[0] - logLength[1]);
}

void printRun(const char* name, const std::shared_ptr<const DiffusionModel>& model, const ImagePath& r, const at::Tensor& images,
              const ImagePath* published) {
    const EvaluationsByStage& e = r.evaluations;
    const int last = r.keyframes.back();
    const double endA = psnr(r.frames[0], images[0]), endB = psnr(r.frames[last], images[1]);
    std::printf("  %-22s evaluations %5lld (inversion %lld, solve %lld, decode %lld, measure %lld, preview %lld); length ratio %.4f, refined %.4f; "
                "end frames %.2f / %.2f dB",
                name, e.total(), e.inversion, e.solve, e.decode, e.measure, e.preview, std::exp(r.path.logLength - r.baseline.logLength),
                refinedRatio(model, r, 4), endA, endB);
    if (published) {
        const Psnr g = framePsnr(r.frames, published->frames), b = framePsnr(r.baselineFrames, published->baselineFrames);
        std::printf("; frames vs published: geodesic worst %.2f dB (mean %.2f), slerp worst %.2f dB", g.worst, g.mean, b.worst);
    }
    std::printf("; solver per level:");
    for (long long v : r.evaluationsPerLevel) std::printf(" %lld", v);
    std::printf(", %d iterations; %.2f s\n", r.iterations, r.seconds);
    std::fflush(stdout);
}

}  // namespace

int main(int argc, char** argv) {
    useAllCoresForTorch();
    int pairs = 3, halvings = -1, perLevel = -1;
    bool carry = false, solverOnly = false;
    for (int i = 1; i < argc; ++i) {
        if (!std::strcmp(argv[i], "--pairs") && i + 1 < argc) pairs = std::max(1, std::atoi(argv[++i]));
        else if (!std::strcmp(argv[i], "--halvings") && i + 1 < argc) halvings = std::atoi(argv[++i]);
        else if (!std::strcmp(argv[i], "--carry")) carry = true;
        else if (!std::strcmp(argv[i], "--per-level") && i + 1 < argc) perLevel = std::atoi(argv[++i]);
        else if (!std::strcmp(argv[i], "--solver-only")) solverOnly = true;
    }
    const auto model = loadModel({}, ComputeOptions{});
    const ConditionedEpsilon eps(model, {});
    const DiscreteSchedule& schedule = model->schedule();
    std::vector<int> decodeSteps{3, 4, 5, 6, 8, 10, 15};
    const std::vector<int> inversionSteps{4, 6, 8, 10, 15, 20, 30};
    for (int p = 0; p < pairs; ++p) {
        const uint64_t seed = 1000000100ULL + 2 * static_cast<uint64_t>(p);
        const at::Tensor images = imagesToTensor({renderScene(randomScene(seed)), renderScene(randomScene(seed + 1))});
        std::printf("pair %d: held-out scenes %llu, %llu\n", p + 1, static_cast<unsigned long long>(seed), static_cast<unsigned long long>(seed + 1));
        // The pipeline before issue 23: published sampling, the implicit solver's first rules.
        ImagePipelineOptions published = defaultPipelineOptions(*model);
        published.sampling = Sampling::Published;
        published.solver.iterationsPerLevel = 100;
        published.solver.halvingsToNextLevel = 8;
        published.solver.carryStep = false;
        const ImagePath today = interpolateImages(model, images, published);
        printRun("before (published)", model, today, images, nullptr);

        if (solverOnly) {
            ImagePipelineOptions o = defaultPipelineOptions(*model);
            if (halvings > 0) o.solver.halvingsToNextLevel = halvings;
            o.solver.carryStep = carry;
            if (perLevel > 0) o.solver.iterationsPerLevel = perLevel;
            printRun("default, solver options", model, interpolateImages(model, images, o), images, &today);
            continue;
        }
        // (1) DPM-Solver++ decodes of the same latents against the DDIM-30 frames.
        const at::Tensor latents = at::cat({today.latents, today.baselineLatents});
        const at::Tensor reference = at::cat({today.frames, today.baselineFrames});
        for (int n : decodeSteps) {
            const at::Tensor frames = model->decode(dpmSolverSample(eps, schedule, latents, today.timestep, n));
            const Psnr q = framePsnr(frames, reference);
            const int64_t last = today.keyframes.back();
            std::printf("  decode: DPM-Solver++ %2d steps vs DDIM 30: worst frame %.2f dB, mean %.2f dB; end frames %.2f / %.2f dB\n", n, q.worst, q.mean,
                        psnr(frames[0], images[0]), psnr(frames[last], images[1]));
        }
        // (2) Round trips of the two images.
        const at::Tensor clean = model->encode(images);
        const at::Tensor ddimTrip = model->decode(ddimSample(eps, schedule, ddimInvert(eps, schedule, clean, today.timestep, 50), today.timestep, 50));
        std::printf("  round trip DDIM 30 up, 30 down: %.2f / %.2f dB (encoder and decoder alone: %.2f / %.2f dB)\n", psnr(ddimTrip[0], images[0]),
                    psnr(ddimTrip[1], images[1]), psnr(model->decode(clean)[0], images[0]), psnr(model->decode(clean)[1], images[1]));
        const at::Tensor ddimUp = ddimInvert(eps, schedule, clean, today.timestep, 50);
        std::printf("  round trip DDIM 30 up:");
        for (int n : decodeSteps) {
            const at::Tensor trip = model->decode(dpmSolverSample(eps, schedule, ddimUp, today.timestep, n));
            std::printf("  %d down %.2f/%.2f", n, psnr(trip[0], images[0]), psnr(trip[1], images[1]));
        }
        std::printf(" dB (DPM-Solver++ down)\n");
        for (int m : inversionSteps) {
            const at::Tensor up = dpmSolverInvert(eps, schedule, clean, today.timestep, m);
            std::printf("  round trip DPM-Solver++ %2d up:", m);
            for (int n : decodeSteps) {
                const at::Tensor trip = model->decode(dpmSolverSample(eps, schedule, up, today.timestep, n));
                std::printf("  %d down %.2f/%.2f", n, psnr(trip[0], images[0]), psnr(trip[1], images[1]));
            }
            std::printf(" dB\n");
            std::fflush(stdout);
        }
        // (3) The default pipeline.
        const ImagePath now = interpolateImages(model, images, defaultPipelineOptions(*model));
        printRun("default sampling", model, now, images, &today);
    }
}
