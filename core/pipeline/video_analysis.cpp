#include "pipeline/video_analysis.h"

#include <chrono>
#include <cmath>
#include <iomanip>
#include <sstream>

#include "common/errors.h"
#include "pipeline/image_pipeline_steps.h"
#include "pipeline/sequence_measures.h"

namespace geo {

VideoAnalysisOptions defaultVideoAnalysisOptions(const DiffusionModel& model) {
    VideoAnalysisOptions o;
    o.pipeline = defaultPipelineOptions(model);
    return o;
}

const AnalysedPath& VideoAnalysis::path(const std::string& name) const {
    for (const AnalysedPath& p : paths)
        if (p.name == name) return p;
    throw InputError("the analysis has no path named \"" + name + "\"");
}

VideoAnalysisSummary summariseVideoAnalysis(const std::vector<AnalysedPath>& paths) {
    VideoAnalysisSummary s;
    const AnalysedPath *video = nullptr, *optimised = nullptr, *smoothed = nullptr, *slerp = nullptr;
    double leastPerturbed = INFINITY;
    for (const AnalysedPath& p : paths) {
        if (p.name == "video") video = &p;
        else if (p.name == "optimised") optimised = &p;
        else if (p.name == "smoothed") smoothed = &p;
        else if (p.name == "slerp") slerp = &p;
        else if (p.perturbation > 0) leastPerturbed = std::min(leastPerturbed, p.terms.meanResidual);
    }
    if (!video) throw InputError("a video analysis without the video's own path");
    const double v = video->terms.meanResidual;
    const auto over = [](double a, double b) { return b > 0 ? a / b : INFINITY; };
    std::ostringstream verdict;
    verdict << std::fixed << std::setprecision(2);
    if (optimised) {
        s.residualVideoOverOptimised = over(v, optimised->terms.meanResidual);
        s.lengthExcessPercent = 100 * std::expm1(video->terms.logLength - optimised->terms.logLength);
        verdict << "The video's mean residual is " << s.residualVideoOverOptimised << "x the optimised path's and it is "
                << std::abs(s.lengthExcessPercent) << (s.lengthExcessPercent >= 0 ? " % longer" : " % shorter");
    }
    if (std::isfinite(leastPerturbed)) {
        s.residualPerturbedOverVideo = over(leastPerturbed, v);
        s.videoBeatsPerturbations = leastPerturbed > v;
        verdict << (optimised ? "; " : "") << "the least perturbed path's residual is " << s.residualPerturbedOverVideo << "x the video's";
    }
    if (smoothed) s.residualSmoothedOverVideo = over(smoothed->terms.meanResidual, v);
    if (slerp) s.residualSlerpOverVideo = over(slerp->terms.meanResidual, v);
    if (smoothed) verdict << ", the smoothed path's " << s.residualSmoothedOverVideo << "x";
    verdict << ". ";
    if (s.videoBeatsPerturbations && optimised && s.lengthExcessPercent < 5)
        verdict << "By these numbers the video is close to a geodesic: nearly as short as the optimised path, and any perturbation moves it further away.";
    else if (s.videoBeatsPerturbations)
        verdict << "The video is nearer a geodesic than its perturbations, but the optimised path is markedly shorter: it is not a geodesic itself.";
    else
        verdict << "A perturbation lowers the residual: by these numbers the video is not near a geodesic of this model.";
    s.verdict = verdict.str();
    return s;
}

VideoAnalysis analyseVideo(std::shared_ptr<const DiffusionModel> model, const at::Tensor& frames, const VideoAnalysisOptions& options,
                           const SolveControl& control, const PipelineCallback& progress) {
    const auto start = std::chrono::steady_clock::now();
    if (frames.dim() != 4 || frames.size(0) < 3) throw InputError("a video analysis needs at least three frames");
    for (double size : options.perturbations)
        if (!(size > 0 && std::isfinite(size))) throw InputError("perturbation sizes must be positive numbers");
    const ImagePipelineOptions& po = options.pipeline;
    const InvertedFramePath video = invertedFramePath(model, frames, po, control, progress);
    const pipeline::Keyframes& k = *video.keyframes;
    VideoAnalysis a;
    static_cast<PathHeader&>(a) = pipeline::pathHeader(*model, k, po);
    a.video = frames;
    a.warnings = video.warnings;
    a.unetEvaluations = video.evaluations;

    // One condition for every frame: the pair conditioning of frames 0 and 1, which share the prompt.
    const ModelPathScore score = pipeline::pairScore(model, k, 0, po);
    FramePathOptions fo = options.optimise;
    fo.alpha = po.solver.alpha;
    fo.sphere = po.solver.sphere;
    fo.radius = k.radius;
    fo.seed = po.seed;
    const FramePathResult optimised = optimiseFramePath(score, k.points, fo, control, [&](const FramePathSnapshot& s) {
        if (progress) progress({RunStage::Optimise, 0, 1, s.iteration, fo.iterations, nullptr, nullptr, &s});
    });
    a.iterations = optimised.iterations;
    a.stoppedByRule = optimised.stoppedByRule;
    a.ruleFirstHeld = optimised.ruleFirstHeld;
    a.optimisationRatioHistory = optimised.meanRatioHistory;
    a.unetEvaluations += optimised.evaluations;

    a.paths.push_back({"video", 0, video.terms});
    std::vector<std::pair<AnalysedPath, Points>> paths;
    paths.push_back({{"optimised", 0, {}}, optimised.frames});
    for (size_t i = 0; i < options.perturbations.size(); ++i) {
        std::ostringstream name;
        name << "perturbed " << options.perturbations[i];
        paths.push_back({{name.str(), options.perturbations[i], {}}, perturbFrames(k.points, options.perturbations[i], po.seed + i, fo.sphere ? k.radius : 0)});
    }
    paths.push_back({{"smoothed", 0, {}}, smoothFrames(k.points, fo.sphere ? k.radius : 0)});
    paths.push_back({{"slerp", 0, {}}, slerpFrames(k.points)});
    const std::vector<double> t = frameTimes(static_cast<int>(k.points.rows()));
    for (size_t i = 0; i < paths.size(); ++i) {
        if (progress) progress({RunStage::Measure, 0, 1, static_cast<int>(i), static_cast<int>(paths.size()), nullptr, nullptr});
        const Points s = score.score(paths[i].second, t, PathScore::kDeterministic, control);
        if (!s.allFinite()) throw InputError("the model's score is not finite along the " + paths[i].first.name + " path");
        a.unetEvaluations += paths[i].second.rows() * score.evaluationsPerPoint(PathScore::kDeterministic);
        paths[i].first.terms = frameTerms(paths[i].second, s, fo.alpha, fo.sphere);
        a.paths.push_back(paths[i].first);
    }
    a.summary = summariseVideoAnalysis(a.paths);
    if (options.decode) {
        std::vector<pipeline::FrameSource> sources;
        for (double ti : t) sources.push_back({0, ti});
        a.optimisedFrames = pipeline::decodeFrames(model, k, optimised.frames, sources, po, control, progress, a.unetEvaluations);
    }
    a.seconds = pipeline::secondsSince(start);
    return a;
}

}  // namespace geo
