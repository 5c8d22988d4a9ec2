#pragma once
// Is a video a geodesic? (density-geodesics.md §7.) Every frame encoded and DDIM-inverted to τ*
// under one condition, all on the sphere of their mean norm; the path through them at
// t = i/(N − 1) measured frame by frame (the Euler–Lagrange terms, residual, angle, log-density,
// length), beside the paths it is compared with: the path optimised from the video, the video
// perturbed at several sizes, the video smoothed, and the slerp between its first and last frame.
#include <ATen/core/Tensor.h>
#include <memory>
#include <string>
#include <vector>

#include "diffusion/diffusion_model.h"
#include "pipeline/image_path.h"
#include "pipeline/image_pipeline.h"
#include "video/frame_path.h"

namespace geo {

struct VideoAnalysisOptions {
    ImagePipelineOptions pipeline;     // noise level, DDIM steps, α (solver.alpha), sphere, one prompt for all frames, jitter, seed
    FramePathOptions optimise;         // iterations, learning rate, frames per iteration, stop factor (α, sphere, radius come from pipeline)
    std::vector<double> perturbations = {0.25, 0.5, 1.0};  // noise norms, in mean steps between consecutive frames
    bool decode = true;                // DDIM-decode the optimised path's frames
};
VideoAnalysisOptions defaultVideoAnalysisOptions(const DiffusionModel& model);

struct AnalysedPath {
    std::string name;      // "video", "optimised", "perturbed 0.5", "smoothed", "slerp"
    double perturbation = 0;
    FrameTerms terms;
};

struct VideoAnalysisSummary {
    double residualVideoOverOptimised = 0;   // mean |r| of the video / of the optimised path
    double lengthExcessPercent = 0;          // how much longer (density-weighted) the video is than the optimised path, %
    double residualPerturbedOverVideo = 0;   // the smallest perturbed path's mean |r| / the video's
    double residualSmoothedOverVideo = 0;
    double residualSlerpOverVideo = 0;
    bool videoBeatsPerturbations = false;    // its residual is below every perturbed path's
    std::string verdict;                     // one sentence
};

struct VideoAnalysis : PathHeader {
    std::vector<AnalysedPath> paths;         // video first, optimised second
    int iterations = 0;
    bool stoppedByRule = false;
    int ruleFirstHeld = 0;
    std::vector<double> optimisationRatioHistory;
    at::Tensor video;                        // [N, 3, S, S] in [−1, 1]: the input frames
    at::Tensor optimisedFrames;              // decoded, same shape; undefined without decode
    VideoAnalysisSummary summary;
    long long unetEvaluations = 0;
    double seconds = 0;
    std::vector<std::string> warnings;
    const AnalysedPath& path(const std::string& name) const;  // InputError when absent
};

// frames: [N, 3, S, S] in [−1, 1] at the model's image size, N ≥ 3. Progress stages: "encode",
// "invert", "optimise" (done/total iterations), "measure", "decode".
VideoAnalysis analyseVideo(std::shared_ptr<const DiffusionModel> model, const at::Tensor& frames, const VideoAnalysisOptions& options,
                           const SolveControl& control = {}, const PipelineCallback& progress = {});

VideoAnalysisSummary summariseVideoAnalysis(const std::vector<AnalysedPath>& paths);

}  // namespace geo
