#pragma once
// The steps the image pipelines share (internal to core/pipeline): keyframes encoded, inverted and
// put on one sphere; latents decoded by DDIM under per-frame conditions; paths measured.
#include <ATen/core/Tensor.h>
#include <chrono>
#include <memory>
#include <string>
#include <vector>

#include "diffusion/diffusion_model.h"
#include "pipeline/image_path.h"
#include "pipeline/image_pipeline.h"
#include "pipeline/latent_rgb_map.h"
#include "pipeline/model_path_score.h"

namespace geo::pipeline {

struct Keyframes {
    int timestep = 0;
    Points points;             // one inverted latent per row, all at norm `radius`
    double radius = 0;
    std::vector<at::Tensor> contexts;  // text models: one embedding per keyframe
    at::Tensor negative;
    std::string cacheKey;      // set when they came through a KeyframeCache: what they depend on
    LatentRgbMap previewMap;   // fitted on the keyframes' clean latents and their images
    PathConditioning pair(int p) const;  // the conditioning between keyframes p and p + 1
};

void checkPipelineOptions(const ImagePipelineOptions& o, int images);
// The header of a result measured on these keyframes with these options.
PathHeader pathHeader(const DiffusionModel& model, const Keyframes& k, const ImagePipelineOptions& o);
Keyframes prepareKeyframes(const std::shared_ptr<const DiffusionModel>& model, const at::Tensor& images, const ImagePipelineOptions& o,
                           const SolveControl& control, const PipelineCallback& progress, ImagePath& out);

// A frame of pair p at its local t: where its condition comes from.
struct FrameSource {
    int pair = 0;
    double localT = 0;
};
// Latents (rows) → images [N, 3, S, S], sampled from the timestep (o.sampling) under each frame's condition.
at::Tensor decodeFrames(const std::shared_ptr<const DiffusionModel>& model, const Keyframes& k, const Points& latents,
                        const std::vector<FrameSource>& sources, const ImagePipelineOptions& o, const SolveControl& control,
                        const PipelineCallback& progress, long long& evaluations);
// Log-density and length along the frames with the deterministic score.
PathNumbers measureFrames(const std::shared_ptr<const DiffusionModel>& model, const Keyframes& k, const Points& latents,
                          const std::vector<FrameSource>& sources, const ImagePipelineOptions& o, const SolveControl& control, long long& evaluations);
// Residual ratios at the interior knots of a solved pair, for the path and for the slerp through the
// same knots; appended to the running lists. Network evaluations are added to `evaluations` (as by
// decodeFrames and measureFrames).
void residualsAtKnots(const std::shared_ptr<const DiffusionModel>& model, const Keyframes& k, int pair, const DyadicSlerpPath& path,
                      const ImagePipelineOptions& o, const SolveControl& control, std::vector<double>& geodesic, std::vector<double>& baseline,
                      long long& evaluations);
void setResidual(PathNumbers& n, const std::vector<double>& ratios);
// The score between keyframes p and p + 1, seeded per pair.
ModelPathScore pairScore(const std::shared_ptr<const DiffusionModel>& model, const Keyframes& k, int pair, const ImagePipelineOptions& o);
LatentBvpResult solvePair(const std::shared_ptr<const DiffusionModel>& model, const Keyframes& k, int pair, const ImagePipelineOptions& o,
                          const SolveControl& control, const PipelineCallback& progress, ImagePath& out);

int gridStepsUpTo(const DiffusionModel& model, int timestep, int ddimSteps);  // DDIM steps between 0 and the timestep
bool publishedSampling(const ImagePipelineOptions& o);  // o.sampling, with Auto resolved by the solver
// Network evaluations per latent of inverting a keyframe to the timestep, and of decoding one frame.
int inversionEvaluationsPerLatent(const DiffusionModel& model, int timestep, const ImagePipelineOptions& o);
int decodeEvaluationsPerLatent(const DiffusionModel& model, int timestep, const ImagePipelineOptions& o);
std::string samplingDescription(const DiffusionModel& model, int timestep, const ImagePipelineOptions& o);  // "dpm-solver: …, 10 steps up, 8 down"
at::Tensor rowsToLatents(const Points& rows, const DiffusionModel& model);
double secondsSince(std::chrono::steady_clock::time_point start);

}  // namespace geo::pipeline
