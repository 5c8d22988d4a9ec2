#include "pipeline/image_pipeline.h"

#include <ATen/ATen.h>
#include <chrono>

#include "common/errors.h"
#include "common/named_values.h"
#include "measures/image_similarity.h"
#include "nn/image_tensor.h"
#include "pipeline/image_pipeline_steps.h"
#include "pipeline/retiming.h"

namespace geo {

using namespace pipeline;

const char* const kPublishedNegativePrompt =
    "A doubling image, unrealistic, artifacts, distortions, unnatural blending, ghosting effects, overlapping edges, harsh transitions, "
    "motion blur, poor resolution, low detail";

ImagePipelineOptions defaultPipelineOptions(const DiffusionModel& model) {
    ImagePipelineOptions o;
    if (model.textConditioned()) {
        o.solver.alpha = 0.002;  // the published value for SD 2.1 at noise level 0.6 (§3.5); re-tune per model
        o.jitterRange = 100;
        o.solver.method = LatentBvpMethod::Published;  // the paper's setting; the implicit solver is measured only without jitter
    } else {
        o.solver.alpha = 0.02;   // the shipped model's sweep, docs/image-geodesics.md
        o.solver.method = LatentBvpMethod::Implicit;  // shorter paths for fewer evaluations, same document
        o.solver.iterationsPerLevel = 40;             // past ~40 a level creeps: the same length within 0.1% (same document)
        o.negative.clear();
    }
    return o;
}

namespace {
constexpr NameTable<ExtrapolationSide> kSides = {{ExtrapolationSide::Last, "last"}, {ExtrapolationSide::First, "first"}, {ExtrapolationSide::Both, "both"}};
}  // namespace

ExtrapolationSide parseExtrapolationSide(const std::string& name) { return parseNamed("side to extrapolate past", name, kSides); }
std::string extrapolationSideName(ExtrapolationSide side) { return nameOf(side, kSides); }

namespace {
constexpr NameTable<Sampling> kSamplings = {{Sampling::Auto, "auto"}, {Sampling::Published, "published"}, {Sampling::DpmSolver, "dpm-solver"}};
}  // namespace

Sampling parseSampling(const std::string& name) { return parseNamed("sampling", name, kSamplings); }

namespace {

// Densities (and so lengths) relative to the first keyframe rather than the first frame.
PathNumbers relativeToFirstKeyframe(PathNumbers n, int keyframe) {
    const double c = n.logDensity.at(static_cast<size_t>(keyframe));
    for (double& v : n.logDensity) v -= c;
    n.logLength += c;
    return n;
}

// Decodes the geodesic's and the baseline's latents in one batch.
void decodeBoth(const std::shared_ptr<const DiffusionModel>& model, const Keyframes& k, const Points& path, const Points& baseline,
                const std::vector<FrameSource>& sources, const ImagePipelineOptions& o, const SolveControl& control, const PipelineCallback& progress,
                ImagePath& r) {
    Points both(path.rows() * 2, path.cols());
    both << path, baseline;
    std::vector<FrameSource> bothSources = sources;
    bothSources.insert(bothSources.end(), sources.begin(), sources.end());
    const at::Tensor images = decodeFrames(model, k, both, bothSources, o, control, progress, r.evaluations.decode);
    r.frames = images.slice(0, 0, path.rows());
    r.baselineFrames = images.slice(0, path.rows());
    r.latents = rowsToLatents(path, *model);
    r.baselineLatents = rowsToLatents(baseline, *model);
}

// Measures both along their frames, relative to the first keyframe; the residuals come from the knots.
void measureBoth(const std::shared_ptr<const DiffusionModel>& model, const Keyframes& k, const Points& path, const Points& baseline,
                 const std::vector<FrameSource>& sources, const ImagePipelineOptions& o, const SolveControl& control, const PipelineCallback& progress,
                 const std::vector<double>& geodesicResidual, const std::vector<double>& baselineResidual, ImagePath& r) {
    if (progress) progress({RunStage::Measure, 0, 1, 0, 1, nullptr});
    r.path = relativeToFirstKeyframe(measureFrames(model, k, path, sources, o, control, r.evaluations.measure), r.keyframes.front());
    r.baseline = relativeToFirstKeyframe(measureFrames(model, k, baseline, sources, o, control, r.evaluations.measure), r.keyframes.front());
    setResidual(r.path, geodesicResidual);
    setResidual(r.baseline, baselineResidual);
}

// Re-times the interior frames of every pair by 1 − SSIM between neighbouring decoded frames.
void retime(const std::shared_ptr<const DiffusionModel>& model, const Keyframes& k, const std::vector<DyadicSlerpPath>& paths, Points& latents,
            std::vector<FrameSource>& sources, std::vector<double>& t, const ImagePipelineOptions& o, const SolveControl& control,
            const PipelineCallback& progress, ImagePath& r) {
    if (progress) progress({RunStage::Retime, 0, 1, 0, 1, nullptr});
    const int f = o.framesPerPair;
    std::vector<Eigen::Index> changed;
    for (size_t p = 0; p < paths.size(); ++p) {
        const Eigen::Index first = static_cast<Eigen::Index>(p) * (f - 1);
        std::vector<double> d;
        for (int j = 0; j + 1 < f; ++j)
            d.push_back(1 - ssim(tensorToImage(r.frames[first + j]), tensorToImage(r.frames[first + j + 1])));
        const std::vector<double> tp = retimeByDistances(d);
        for (int j = 1; j + 1 < f; ++j) {
            const Eigen::Index row = first + j;
            sources[static_cast<size_t>(row)].localT = tp[static_cast<size_t>(j)];
            t[static_cast<size_t>(row)] = static_cast<double>(p) + tp[static_cast<size_t>(j)];
            latents.row(row) = paths[p].position(tp[static_cast<size_t>(j)]).transpose();
            changed.push_back(row);
        }
    }
    if (changed.empty()) return;
    Points x(static_cast<Eigen::Index>(changed.size()), latents.cols());
    std::vector<FrameSource> s;
    for (size_t i = 0; i < changed.size(); ++i) x.row(static_cast<Eigen::Index>(i)) = latents.row(changed[i]), s.push_back(sources[static_cast<size_t>(changed[i])]);
    const at::Tensor images = decodeFrames(model, k, x, s, o, control, progress, r.evaluations.decode);
    for (size_t i = 0; i < changed.size(); ++i) r.frames[changed[i]].copy_(images[static_cast<int64_t>(i)]);
    r.latents = rowsToLatents(latents, *model);
    r.retiming = "1 - SSIM between consecutive decoded frames (stand-in for LPIPS, whose weights cannot be had here)";
}

}  // namespace

ImagePath interpolateImages(std::shared_ptr<const DiffusionModel> model, const at::Tensor& images, const ImagePipelineOptions& o,
                            const SolveControl& control, const PipelineCallback& progress) {
    const auto start = std::chrono::steady_clock::now();
    ImagePath r;
    const Keyframes k = prepareKeyframes(model, images, o, control, progress, r);
    const int pairs = static_cast<int>(k.points.rows()) - 1, f = o.framesPerPair;
    std::vector<DyadicSlerpPath> paths;
    std::vector<double> geodesicResidual, baselineResidual;
    for (int p = 0; p < pairs; ++p) {
        paths.push_back(solvePair(model, k, p, o, control, progress, r).path);
        residualsAtKnots(model, k, p, paths.back(), o, control, geodesicResidual, baselineResidual, r.evaluations.measure);
    }
    const Eigen::Index frames = static_cast<Eigen::Index>(pairs) * (f - 1) + 1;
    Points path(frames, k.points.cols()), baseline(frames, k.points.cols());
    std::vector<FrameSource> sources;
    for (int p = 0; p < pairs; ++p)
        for (int j = p == 0 ? 0 : 1; j < f; ++j) {
            const double lt = static_cast<double>(j) / (f - 1);
            const Eigen::Index row = static_cast<Eigen::Index>(sources.size());
            path.row(row) = paths[static_cast<size_t>(p)].position(lt).transpose();
            baseline.row(row) = slerp(k.points.row(p).transpose(), k.points.row(p + 1).transpose(), lt).transpose();
            sources.push_back({p, lt});
            r.t.push_back(p + lt);
        }
    for (int p = 0; p <= pairs; ++p) r.keyframes.push_back(p * (f - 1));
    decodeBoth(model, k, path, baseline, sources, o, control, progress, r);
    if (o.retime) retime(model, k, paths, path, sources, r.t, o, control, progress, r);
    measureBoth(model, k, path, baseline, sources, o, control, progress, geodesicResidual, baselineResidual, r);
    r.seconds = secondsSince(start);
    return r;
}

ImagePath extrapolateImages(std::shared_ptr<const DiffusionModel> model, const at::Tensor& images, const ImagePipelineOptions& o,
                            const ExtrapolationOptions& e, const SolveControl& control, const PipelineCallback& progress) {
    const auto start = std::chrono::steady_clock::now();
    if (images.size(0) != 2) throw InputError("extrapolation takes exactly two images (got " + std::to_string(images.size(0)) + ")");
    if (!(e.length > 0 && e.length <= 10)) throw InputError("the extrapolated length must lie in (0, 10] (units of the pair's t)");
    if (e.frames < 1 || e.frames > 1024) throw InputError("extrapolated frames per side must lie in 1 … 1024");
    if (e.stepsPerFrame < 1 || e.stepsPerFrame > 64) throw InputError("RK4 steps per frame must lie in 1 … 64");
    if (e.fromDirection && e.past != ExtrapolationSide::Last) throw InputError("a shot from the first image toward the second goes past the last only");
    ImagePath r;
    const Keyframes k = prepareKeyframes(model, images, o, control, progress, r);
    const Eigen::VectorXd a = k.points.row(0).transpose(), b = k.points.row(1).transpose();
    DyadicSlerpPath path(a, b);
    std::vector<double> geodesicResidual, baselineResidual;
    if (!e.fromDirection) {
        path = solvePair(model, k, 0, o, control, progress, r).path;
        residualsAtKnots(model, k, 0, path, o, control, geodesicResidual, baselineResidual, r.evaluations.measure);
    }
    const ModelPathScore score = pairScore(model, k, 0, o);
    const auto shoot = [&](double t0, const Eigen::VectorXd& x0, const Eigen::VectorXd& v0, double t1) {
        LatentIvpOptions io;
        io.alpha = o.solver.alpha;
        io.sphere = o.solver.sphere;
        io.radius = k.radius;
        io.steps = e.frames * e.stepsPerFrame;
        io.tStart = t0;
        io.tEnd = t1;
        io.firstDraw = o.jitterRange > 0 ? 0 : PathScore::kDeterministic;
        const LatentIvpResult s = shootLatentGeodesic(score, x0, v0, io, control, [&](int done, int total) {
            if (progress) progress({RunStage::Shoot, 0, 1, done, total, nullptr});
        });
        r.evaluations.solve += s.evaluations;
        return s;
    };
    std::vector<std::pair<double, Eigen::VectorXd>> rows;  // (t, latent) in order
    if (e.past != ExtrapolationSide::Last) {
        const LatentIvpResult s = shoot(0, path.position(0), path.velocity(0), -e.length);
        for (int j = e.frames; j >= 1; --j) rows.emplace_back(s.t[j * e.stepsPerFrame], s.positions.row(j * e.stepsPerFrame).transpose());
    }
    r.keyframes.push_back(static_cast<int>(rows.size()));
    if (e.fromDirection) {
        rows.emplace_back(0.0, a);
    } else {
        for (int j = 0; j < o.framesPerPair; ++j) {
            const double lt = static_cast<double>(j) / (o.framesPerPair - 1);
            rows.emplace_back(lt, path.position(lt));
        }
        r.keyframes.push_back(static_cast<int>(rows.size()) - 1);
    }
    if (e.past != ExtrapolationSide::First) {
        // From one image: the direction toward the second, tangent to the sphere, at the slerp's speed.
        const double t0 = e.fromDirection ? 0 : 1;
        const Eigen::VectorXd v0 = e.fromDirection ? slerpDerivative(a, b, 0) : path.velocity(1);
        const LatentIvpResult s = shoot(t0, path.position(t0), v0, t0 + e.length);
        for (int j = 1; j <= e.frames; ++j) rows.emplace_back(s.t[j * e.stepsPerFrame], s.positions.row(j * e.stepsPerFrame).transpose());
    }
    Points latents(static_cast<Eigen::Index>(rows.size()), a.size()), baseline(latents.rows(), a.size());
    std::vector<FrameSource> sources;
    for (size_t i = 0; i < rows.size(); ++i) {
        latents.row(static_cast<Eigen::Index>(i)) = rows[i].second.transpose();
        baseline.row(static_cast<Eigen::Index>(i)) = slerp(a, b, rows[i].first).transpose();  // the great circle, continued
        sources.push_back({0, rows[i].first});
        r.t.push_back(rows[i].first);
    }
    decodeBoth(model, k, latents, baseline, sources, o, control, progress, r);
    measureBoth(model, k, latents, baseline, sources, o, control, progress, geodesicResidual, baselineResidual, r);
    r.seconds = secondsSince(start);
    return r;
}

}  // namespace geo
