#include "pipeline/sequence_measures.h"

#include <ATen/ATen.h>
#include <algorithm>
#include <cmath>

#include "common/errors.h"
#include "diffusion/model_evaluation.h"
#include "nn/image_tensor.h"
#include "pipeline/image_pipeline_steps.h"

namespace geo {

InvertedFramePath invertedFramePath(const std::shared_ptr<const DiffusionModel>& model, const at::Tensor& images, const ImagePipelineOptions& options,
                                    const SolveControl& control, const PipelineCallback& progress) {
    if (options.prompts.size() > 1) throw InputError("frames are measured under one condition for all of them: give one prompt");
    ImagePipelineOptions o = options;
    o.keyframeCache = nullptr;
    o.jointTextualInversion = true;  // §7: one condition inverted over all frames (when steps are asked for)
    ImagePath scratch;
    // prepareKeyframes puts every frame on the sphere of their mean norm, as §7 asks of a video.
    auto keyframes = std::make_shared<pipeline::Keyframes>(pipeline::prepareKeyframes(model, images, o, control, progress, scratch));
    const pipeline::Keyframes& k = *keyframes;
    InvertedFramePath p;
    p.keyframes = keyframes;
    p.warnings = scratch.warnings;
    p.latents = k.points;
    p.radius = k.radius;
    p.timestep = k.timestep;
    p.evaluations = scratch.evaluations.total();
    const ModelPathScore score = pipeline::pairScore(model, k, 0, o);  // frames 0 and 1 share the one condition
    if (progress) progress({RunStage::Measure, 0, 1, 0, 1, nullptr, nullptr});
    const Points s = score.score(k.points, frameTimes(static_cast<int>(k.points.rows())), PathScore::kDeterministic, control);
    if (!s.allFinite()) throw InputError("the model's score is not finite at the frames");
    p.evaluations += k.points.rows() * score.evaluationsPerPoint(PathScore::kDeterministic);
    p.terms = frameTerms(k.points, s, o.solver.alpha, o.solver.sphere);
    return p;
}

SequenceMeasures measureSequence(const std::vector<RgbImage>& frames, const std::vector<int>& keyframesIn, std::shared_ptr<const DiffusionModel> model,
                                 const ImagePipelineOptions& options, const SolveControl& control, const PipelineCallback& progress,
                                 bool invertFrames) {
    if (frames.size() < 2) throw InputError("a sequence needs at least two frames (got " + std::to_string(frames.size()) + ")");
    SequenceMeasures m;
    m.frames = static_cast<int>(frames.size());
    std::vector<int> keyframes = keyframesIn.empty() ? std::vector<int>{0, m.frames - 1} : keyframesIn;
    for (int k : keyframes)
        if (k < 0 || k >= m.frames) throw InputError("keyframe index " + std::to_string(k) + " outside the sequence's " + std::to_string(m.frames) + " frames");
    m.steps.push_back(stepStatistics("pixel RMS", pixelSteps(frames)));
    control.throwIfCancelled();
    m.steps.push_back(stepStatistics("1 - SSIM", ssimSteps(frames)));
    m.notes.push_back(kPublishedMetricsNote);
    if (!model) {
        m.notes.push_back("no model: the latent distance, the density measures and the Frechet distance need one");
        return m;
    }
    m.withModel = true;
    m.model = model->describe();
    m.noiseLevel = options.noiseLevel;
    m.alpha = options.solver.alpha;
    std::vector<RgbImage> sized;
    for (const RgbImage& f : frames) sized.push_back(f.width == model->imageSize() && f.height == model->imageSize() ? f : centreSquare(f, model->imageSize()));
    if (sized.front().width != frames.front().width) m.notes.push_back("frames centre-cropped and resized to the model's " + std::to_string(model->imageSize()) + " pixels");
    const at::Tensor images = imagesToTensor(sized);

    const FeatureMatrix latents = latentFeatures(*model, images);
    std::vector<double> latentSteps;
    for (Eigen::Index i = 0; i + 1 < latents.rows(); ++i) latentSteps.push_back((latents.row(i + 1) - latents.row(i)).norm());
    m.steps.push_back(stepStatistics("latent L2 (the model's scaled clean latents)", latentSteps));

    std::vector<Eigen::Index> between, keys;
    for (int i = 0; i < m.frames; ++i) (std::find(keyframes.begin(), keyframes.end(), i) != keyframes.end() ? keys : between).push_back(i);
    m.frechetFrames = static_cast<int>(between.size());
    m.frechetKeyframes = static_cast<int>(keys.size());
    if (between.size() >= 2 && keys.size() >= 2) m.latentFrechet = frechetDistance(latents(between, Eigen::all), latents(keys, Eigen::all));

    if (!invertFrames) return m;
    const InvertedFramePath p = invertedFramePath(model, images, options, control, progress);
    m.densityMeasured = true;
    m.path = p.terms;
    m.unetEvaluations = p.evaluations;
    m.logLength = p.terms.logLength;
    const double lowerEnd = std::min(p.terms.logDensity.front(), p.terms.logDensity.back());
    m.lowestLogDensity = *std::min_element(p.terms.logDensity.begin(), p.terms.logDensity.end()) - lowerEnd;
    m.meanResidualRatio = p.terms.meanRatio;
    m.meanResidual = p.terms.meanResidual;
    return m;
}

}  // namespace geo
