#include "image_jobs.h"

#include <ATen/ATen.h>
#include <chrono>
#include <cmath>
#include <limits>
#include <map>

#include "common/errors.h"
#include "measures/path_plane.h"
#include "image_convert.h"
#include "nn/image_tensor.h"
#include "pipeline/image_path_export.h"
#include "pipeline/image_pipeline.h"
#include "pipeline/model_path_score.h"
#include "pipeline/spacetime_export.h"
#include "spacetime_chain.h"

namespace {

using Clock = std::chrono::steady_clock;

// Previews cost network evaluations: a few points for the big text models, a pair's frames for ours.
int previewPoints(const geo::DiffusionModel& model, int framesPerPair) { return model.textConditioned() ? 5 : std::min(framesPerPair, 17); }
constexpr double kPreviewSeconds = 1.0;   // between previews within a level
constexpr double kPreviewShare = 0.25;    // of the run's time, at most, for previews within a level
constexpr double kSnapshotSeconds = 0.05; // between snapshots without a preview

// The density run's share done, 0 … 1: inversion 10 %, solve 70 %, frames 20 %.
double densityFraction(const geo::PipelineProgress& p) {
    const double part = p.total > 0 ? double(p.done) / p.total : 0;
    if (p.stage == "encode" || p.stage == "invert" || p.stage == "textual inversion") return 0.1 * part;
    if (p.stage == "solve" || p.stage == "shoot") return 0.1 + 0.7 * (p.pair + part) / std::max(1, p.pairs);
    return 0.8 + 0.2 * (p.stage == "measure" ? 1.0 : part);
}

template <typename T>
QVector<T> toQVector(const std::vector<T>& v) {
    return QVector<T>(v.begin(), v.end());
}

MapLine mapLine(const Eigen::MatrixX2d& xy) {
    MapLine l;
    for (Eigen::Index i = 0; i < xy.rows(); ++i) l.points << QPointF(xy(i, 0), xy(i, 1));
    return l;
}

geo::ImagePipelineOptions pipelineOptions(const geo::DiffusionModel& model, const ImageRunRequest& r) {
    const ImageRunSettings& s = r.settings;
    geo::ImagePipelineOptions o = geo::defaultPipelineOptions(model);
    o.noiseLevel = s.noiseLevel;
    o.framesPerPair = s.framesPerPair;
    o.ddimSteps = s.ddimSteps;
    o.solver.alpha = s.alpha;
    o.solver.method = geo::parseLatentBvpMethod(s.method.toStdString());
    o.solver.maxIterations = s.iterations;
    o.jitterRange = s.jitter;
    o.seed = s.seed;
    o.retime = s.retime;
    o.textualInversionSteps = s.textualInversionSteps;
    if (model.textConditioned()) {
        o.negative = s.negative.toStdString();
        for (const QString& p : r.prompts) o.prompts.push_back(p.toStdString());
    }
    return o;
}

// What the run has seen of each pair: its latest control points and residuals.
struct PairState {
    std::vector<double> t;
    geo::Points points;
    std::map<double, double> residual;  // control point t → residual ratio
};

geo::Points stackRows(const std::vector<Eigen::VectorXd>& v) {
    geo::Points m(static_cast<Eigen::Index>(v.size()), v.empty() ? 0 : v.front().size());
    for (size_t i = 0; i < v.size(); ++i) m.row(static_cast<Eigen::Index>(i)) = v[i].transpose();
    return m;
}

// Every pair's control points, one row each (the pairs' shared keyframes repeated).
geo::Points controlPointsOf(const std::vector<PairState>& pairs) {
    std::vector<Eigen::VectorXd> control;
    for (const PairState& p : pairs)
        for (Eigen::Index i = 0; i < p.points.rows(); ++i) control.push_back(p.points.row(i).transpose());
    return stackRows(control);
}

// The map of the pairs seen so far: path and baseline sampled at `samples` points per pair.
void drawMap(const std::vector<PairState>& pairs, int samples, ImageSnapshot& s) {
    if (pairs.empty()) return;
    std::vector<Eigen::VectorXd> path, baseline;
    for (const PairState& p : pairs) {
        if (p.points.rows() == 0) continue;  // a pair whose solved path came from the cache has no snapshot
        const Eigen::VectorXd a = p.points.row(0).transpose(), b = p.points.row(p.points.rows() - 1).transpose();
        geo::DyadicSlerpPath curve(a, b);
        for (size_t i = 0; i < p.t.size(); ++i) curve.set(p.t[i], p.points.row(static_cast<Eigen::Index>(i)).transpose());
        for (int j = path.empty() ? 0 : 1; j < samples; ++j) {
            const double t = double(j) / (samples - 1);
            path.push_back(curve.position(t));
            baseline.push_back(geo::slerp(a, b, t));
        }
    }
    if (path.empty()) return;
    const geo::Points p = stackRows(path), b = stackRows(baseline);
    const geo::PathPlane plane = geo::planeOfDeparture(p, b);
    s.mapPath = mapLine(geo::projectOnPlane(plane, p));
    s.mapBaseline = mapLine(geo::projectOnPlane(plane, b));
    s.mapControl = mapLine(geo::projectOnPlane(plane, controlPointsOf(pairs)));
}

ImageRunResultPtr finish(const std::shared_ptr<const geo::ImagePath>& path, const std::vector<PairState>& pairs) {
    auto r = std::make_shared<ImageRunResult>();
    r->path = path;
    const geo::ImagePath& p = *path;
    r->frames = toQImages(p.frames);
    r->baselineFrames = toQImages(p.baselineFrames);
    r->t = toQVector(p.t);
    r->keyframes = toQVector(p.keyframes);
    r->pathLogDensity = toQVector(p.path.logDensity);
    r->baselineLogDensity = toQVector(p.baseline.logDensity);
    r->pathLogLength = p.path.logLength;
    r->baselineLogLength = p.baseline.logLength;
    r->residualMean = p.path.residualMean;
    r->residualMax = p.path.residualMax;
    r->baselineResidualMean = p.baseline.residualMean;
    r->iterations = p.iterations;
    r->evaluations = p.unetEvaluations;
    r->seconds = p.seconds;
    r->solver = QString::fromStdString(p.solver);
    r->alpha = p.alpha;
    for (const std::string& w : p.warnings) r->warnings << QString::fromStdString(w);
    for (double t : p.t) {
        // The residual of the solved control point nearest to the frame, within its pair.
        const int pair = std::clamp(static_cast<int>(std::floor(t)), 0, std::max(0, static_cast<int>(pairs.size()) - 1));
        double best = std::numeric_limits<double>::quiet_NaN(), distance = 1e9;
        if (pair < static_cast<int>(pairs.size()))
            for (const auto& [ct, res] : pairs[static_cast<size_t>(pair)].residual)
                if (std::abs(ct - (t - pair)) < distance) distance = std::abs(ct - (t - pair)), best = res;
        r->frameResidual << best;
    }
    const geo::Points latents = geo::latentsToPoints(p.latents), baseline = geo::latentsToPoints(p.baselineLatents);
    const geo::PathPlane plane = geo::planeOfDeparture(latents, baseline);
    r->mapPath = mapLine(geo::projectOnPlane(plane, latents));
    r->mapBaseline = mapLine(geo::projectOnPlane(plane, baseline));
    const geo::Points control = controlPointsOf(pairs);
    if (control.rows() > 0) r->mapControl = mapLine(geo::projectOnPlane(plane, control));
    geo::Points keys(static_cast<Eigen::Index>(p.keyframes.size()), latents.cols());
    for (size_t i = 0; i < p.keyframes.size(); ++i) keys.row(static_cast<Eigen::Index>(i)) = latents.row(p.keyframes[i]);
    r->mapKeyframes = mapLine(geo::projectOnPlane(plane, keys));
    return r;
}

}  // namespace

QVector<QImage> toQImages(const at::Tensor& frames) {
    QVector<QImage> out;
    for (int64_t i = 0; i < frames.size(0); ++i) out << toQImage(geo::tensorToImage(frames[i]));
    return out;
}

ImageRunSettings defaultImageSettings(const geo::DiffusionModel& model) {
    const geo::ImagePipelineOptions o = geo::defaultPipelineOptions(model);
    ImageRunSettings s;
    s.noiseLevel = o.noiseLevel;
    s.framesPerPair = o.framesPerPair;
    s.ddimSteps = o.ddimSteps;
    s.alpha = o.solver.alpha;
    s.method = QString::fromStdString(geo::latentBvpMethodName(o.solver.method));
    s.iterations = o.solver.maxIterations;
    s.jitter = o.jitterRange;
    s.negative = QString::fromStdString(o.negative);
    return s;
}

std::shared_ptr<geo::KeyframeCache> newKeyframeCache() { return geo::makeKeyframeCache(); }

ModelService::Job imageRunJob(ImageRunRequest request, std::shared_ptr<geo::KeyframeCache> cache) {
    return [request = std::move(request), cache](const std::shared_ptr<geo::DiffusionModel>& model, const geo::SolveControl& control,
                                                 const ModelService::Reporter& report) -> QVariant {
        if (!model) throw geo::InputError("no model is loaded");
        const QString geometry = request.settings.geometry;
        const bool density = geometry != "spacetime", spacetime = geometry != "density";
        if (spacetime && request.settings.extrapolate)
            throw geo::InputError("extrapolation follows the density geodesic only (a spacetime geodesic joins two images)");
        const RunShare densityShare{0, spacetime ? 0.5 : 1.0};
        const auto start = Clock::now();
        std::vector<geo::RgbImage> squares;
        for (const auto& im : request.images) squares.push_back(geo::centreSquare(*im, model->imageSize()));
        const at::Tensor images = geo::imagesToTensor(squares);
        geo::ImagePipelineOptions o = pipelineOptions(*model, request);
        o.keyframeCache = cache;
        const int samples = previewPoints(*model, o.framesPerPair);
        std::vector<double> previewT;
        for (int j = 0; j < samples; ++j) previewT.push_back(double(j) / (samples - 1));

        std::vector<PairState> pairs;
        int lastPreviewPair = -1, lastPreviewLevel = 0;
        auto lastPreview = Clock::now(), lastSnapshot = Clock::now() - std::chrono::hours(1);
        long long previewEvaluations = 0;
        double previewSeconds = 0;
        QVector<QImage> baselineFrames;  // of the pair being solved
        QVector<double> baselineLogDensity;
        double baselineLogLength = 0;
        QString lastStage;
        const geo::PipelineCallback progress = [&](const geo::PipelineProgress& p) {
            const auto now = Clock::now();
            auto s = std::make_shared<ImageSnapshot>();
            s->stage = QString::fromStdString(p.stage);
            s->pair = p.pair;
            s->pairs = p.pairs;
            s->done = p.done;
            s->total = p.total;
            s->seconds = std::chrono::duration<double>(now - start).count();
            s->fraction = densityShare.start + densityShare.share * densityFraction(p);
            if (p.solver) {
                const geo::LatentBvpSnapshot& b = *p.solver;
                if (static_cast<int>(pairs.size()) <= p.pair) pairs.resize(static_cast<size_t>(p.pair) + 1);
                PairState& state = pairs[static_cast<size_t>(p.pair)];
                state.t = b.t;
                state.points = *b.controlPoints;
                for (size_t i = 0; i < b.evaluatedT.size() && i < b.residual.size(); ++i) state.residual[b.evaluatedT[i]] = b.residual[i];
                s->level = b.level;
                s->iteration = b.iteration;
                s->maxIterations = p.total;
                s->evaluations = b.evaluations + previewEvaluations;
                for (double r : b.residual) s->residualMean += r / static_cast<double>(b.residual.size()), s->residualMax = std::max(s->residualMax, r);
                const bool newPair = p.pair != lastPreviewPair, newLevel = b.level != lastPreviewLevel;
                const bool timely = std::chrono::duration<double>(now - lastPreview).count() > kPreviewSeconds &&
                                    previewSeconds < kPreviewShare * std::chrono::duration<double>(now - start).count();
                if (p.preview && (newPair || newLevel || timely)) {
                    const auto previewStart = Clock::now();
                    const geo::PathPreview path = (*p.preview)(previewT, false);
                    previewEvaluations += path.evaluations;
                    if (newPair) {  // the slerp of a pair does not change while it is solved
                        const geo::PathPreview baseline = (*p.preview)(previewT, true);
                        previewEvaluations += baseline.evaluations;
                        baselineFrames = toQImages(baseline.frames);
                        baselineLogDensity = toQVector(baseline.logDensity);
                        baselineLogLength = baseline.logLength;
                    }
                    previewSeconds += std::chrono::duration<double>(Clock::now() - previewStart).count();
                    s->previewPair = p.pair;
                    s->previewT = toQVector(previewT);
                    s->pathFrames = toQImages(path.frames);
                    s->baselineFrames = baselineFrames;
                    s->pathLogDensity = toQVector(path.logDensity);
                    s->baselineLogDensity = baselineLogDensity;
                    s->pathLogLength = path.logLength;
                    s->baselineLogLength = baselineLogLength;
                    lastPreviewPair = p.pair;
                    lastPreviewLevel = b.level;
                    lastPreview = Clock::now();
                }
            }
            // Snapshots are coalesced (at most ~20 a second) unless they bring a preview or a new stage.
            const bool due = s->previewPair >= 0 || s->stage != lastStage || p.done == p.total ||
                             std::chrono::duration<double>(now - lastSnapshot).count() >= kSnapshotSeconds;
            if (!due) return;
            if (p.solver) drawMap(pairs, samples, *s);
            lastSnapshot = now;
            lastStage = s->stage;
            report.publish(QVariant::fromValue(ImageSnapshotPtr(s)));
        };
        ImageRunResultPtr densityResult;
        if (density) {
            std::shared_ptr<const geo::ImagePath> path;
            if (request.settings.extrapolate) {
                geo::ExtrapolationOptions e;
                e.past = geo::parseExtrapolationSide(request.settings.past.toStdString());
                e.length = request.settings.extrapolationLength;
                e.frames = request.settings.extrapolationFrames;
                path = std::make_shared<geo::ImagePath>(geo::extrapolateImages(model, images, o, e, control, progress));
            } else {
                path = std::make_shared<geo::ImagePath>(geo::interpolateImages(model, images, o, control, progress));
            }
            densityResult = finish(path, pairs);
        }
        auto result = densityResult ? std::make_shared<ImageRunResult>(*densityResult) : std::make_shared<ImageRunResult>();
        result->keyframeNames = request.names;
        if (!spacetime) return QVariant::fromValue(ImageRunResultPtr(result));
        const double before = std::chrono::duration<double>(Clock::now() - start).count();
        const RunShare share = density ? RunShare{0.5, 0.5} : RunShare{0, 1};
        result->spacetime = std::make_shared<SpacetimeRunResult>(
            solveSpacetimeChain(model, images, request.prompts, request.settings, control, report, share, before, densityResult));
        result->seconds = std::chrono::duration<double>(Clock::now() - start).count();
        return QVariant::fromValue(ImageRunResultPtr(result));
    };
}

QStringList exportImageRun(const ImageRunResult& result, const ImageExportRequest& r) {
    // The spacetime geodesic goes beside the density one, or alone in the folder when it is all there is.
    auto targets = [&r](const std::filesystem::path& folder, const std::string& name) {
        geo::ImagePathExport e;
        e.folder = folder;
        if (r.json) e.json = folder / (name + ".json");
        if (r.gif) e.gif = folder / (name + ".gif");
        if (r.mp4) e.mp4 = folder / (name + ".mp4");
        e.animation = r.animation;
        return e;
    };
    const std::filesystem::path folder = r.folder.toStdString();
    const geo::ImagePathExport density = targets(folder, "path");
    const geo::ImagePathExport spacetime = targets(result.path ? folder / "spacetime" : folder, "spacetime");
    if (result.path) geo::checkExportTargets(density);
    if (result.spacetime) geo::checkExportTargets(spacetime);
    QStringList written;
    for (const auto* e : {result.path ? &density : nullptr, result.spacetime ? &spacetime : nullptr}) {
        if (!e) continue;
        if (e == &density) geo::exportImagePath(*result.path, *e);
        else {
            std::vector<std::string> names;
            for (const QString& n : result.keyframeNames) names.push_back(n.toStdString());
            geo::exportSpacetimePath(*result.spacetime->path, *e, names);
        }
        const QString f = QString::fromStdString(e->folder.string());
        written << f + "/frame_*.png" << f + (e == &density ? "/baseline/" : "/noisy/") << f + "/strip.png";
        for (const auto& file : {e->json, e->gif, e->mp4})
            if (!file.empty()) written << QString::fromStdString(file.string());
    }
    return written;
}
