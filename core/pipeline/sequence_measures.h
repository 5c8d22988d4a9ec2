#pragma once
// Sequence metrics of any frames (ours, a baseline's, another tool's): the step statistics of
// measures/sequence_metrics.h over pixel RMS, 1 − SSIM and the distance between the frames' clean
// latents under the model; the density-geodesic measures of the frames as a path (every frame
// DDIM-inverted to τ* as a video is, §7): density-weighted length, lowest relative density, mean
// residual; and a Fréchet distance between the in-between frames and the keyframes in the
// autoencoder's latent, an offline stand-in for FID.
#include <ATen/core/Tensor.h>
#include <memory>
#include <vector>

#include "diffusion/diffusion_model.h"
#include "measures/sequence_metrics.h"
#include "pipeline/image_path.h"
#include "pipeline/image_pipeline.h"
#include "video/frame_path.h"

namespace geo::pipeline {
struct Keyframes;
}

namespace geo {

struct SequenceMeasures {
    int frames = 0;
    std::vector<StepStatistics> steps;   // pixel RMS, 1 − SSIM, and with a model the latent L2
    bool withModel = false;
    std::string model;
    double noiseLevel = 0, alpha = 0;
    bool densityMeasured = false;        // the frames were inverted and measured as a path
    FrameTerms path;                     // the frames as a path at τ*
    double logLength = 0;                // log of the density-weighted length (relative to p(first frame))
    double lowestLogDensity = 0;         // min over frames of log p̃ minus the lower of the two ends' (≤ 0: a dip below both ends)
    double meanResidualRatio = 0, meanResidual = 0;  // over the interior frames
    double latentFrechet = NAN;          // in-between frames against the keyframes; NaN with fewer than two of either
    int frechetFrames = 0, frechetKeyframes = 0;
    long long unetEvaluations = 0;
    std::vector<std::string> notes;
};

// frames: 8-bit images of one size; keyframes: their indices (empty: the first and the last).
// Without a model, only the pixel and SSIM step statistics.
// invertFrames false skips the density measures (the frames' inversion to τ*): for frames whose
// path numbers are known already, as a pipeline's own.
SequenceMeasures measureSequence(const std::vector<RgbImage>& frames, const std::vector<int>& keyframes, std::shared_ptr<const DiffusionModel> model,
                                 const ImagePipelineOptions& options, const SolveControl& control = {}, const PipelineCallback& progress = {},
                                 bool invertFrames = true);

// The frames' path at τ*: every frame encoded and DDIM-inverted under one condition (with textual
// inversion asked for, one embedding inverted over all frames together, §7), put on the sphere of
// their mean norm and measured by frameTerms with the deterministic score.
struct InvertedFramePath {
    Points latents;
    double radius = 0;
    int timestep = 0;
    FrameTerms terms;
    long long evaluations = 0;
    std::vector<std::string> warnings;
    std::shared_ptr<const pipeline::Keyframes> keyframes;  // for scores and decoding under the same condition
};
InvertedFramePath invertedFramePath(const std::shared_ptr<const DiffusionModel>& model, const at::Tensor& images, const ImagePipelineOptions& options,
                                    const SolveControl& control, const PipelineCallback& progress);

}  // namespace geo
