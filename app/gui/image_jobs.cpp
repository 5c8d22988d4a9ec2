#include "image_jobs.h"

#include <ATen/ATen.h>
#include <cmath>

#include "common/errors.h"
#include "frame_images.h"
#include "image_run/image_run.h"
#include "image_run/run_estimate.h"
#include "image_run/image_run_export.h"
#include "nn/image_tensor.h"
#include "pipeline/image_pipeline.h"

namespace {

template <typename T>
QVector<T> toQVector(const std::vector<T>& v) {
    return QVector<T>(v.begin(), v.end());
}

MapLine mapLine(const Eigen::MatrixX2d& xy) {
    MapLine l;
    for (Eigen::Index i = 0; i < xy.rows(); ++i) l.points << QPointF(xy(i, 0), xy(i, 1));
    return l;
}

QStringList toQStrings(const std::vector<std::string>& v) {
    QStringList out;
    for (const std::string& s : v) out << QString::fromStdString(s);
    return out;
}

std::shared_ptr<const SpacetimeRunResult> spacetimeOf(const geo::SpacetimeRun& run) {
    const geo::SpacetimeImagePath& p = run.path;
    auto r = std::make_shared<SpacetimeRunResult>();
    r->means = toQImages(p.means);
    r->noisy = toQImages(p.noisy);
    for (Eigen::Index i = 0; i < p.points.rows(); ++i) r->lambda << p.points(i, 0);
    r->t = toQVector(run.t);
    r->pairDistance = toQVector(run.pairDistance);
    r->energy = p.energy;
    r->energyError = p.energyError;
    r->editDistance = p.editDistance;
    r->editDistanceError = p.editDistanceError;
    r->lambdaMin = p.lambdaMin;
    r->lambdaEnd = p.points(0, 0);
    r->steps = p.steps;
    r->stop = QString::fromStdString(p.stop);
    r->forward = p.forward;
    r->backward = p.backward;
    r->seconds = run.seconds;
    return r;
}

ImageRunResultPtr resultOf(const std::shared_ptr<const geo::ImageRunResult>& run) {
    auto r = std::make_shared<ImageRunResult>();
    r->run = run;
    r->keyframeNames = toQStrings(run->keyframeNames);
    r->seconds = run->seconds;
    if (run->spacetime) r->spacetime = spacetimeOf(*run->spacetime);
    if (!run->density) return r;
    r->path = run->density;
    const geo::ImagePath& p = *run->density;
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
    r->frameResidual = toQVector(run->frameResidual);
    r->iterations = p.iterations;
    r->evaluations = p.evaluations.total();
    r->solver = QString::fromStdString(p.solver);
    r->alpha = p.alpha;
    r->warnings = toQStrings(p.warnings);
    r->mapPath = mapLine(run->map.path);
    r->mapBaseline = mapLine(run->map.baseline);
    r->mapControl = mapLine(run->map.control);
    r->mapKeyframes = mapLine(run->map.keyframes);
    return r;
}

ImageSnapshotPtr snapshotOf(const geo::ImageRunSnapshot& c) {
    auto s = std::make_shared<ImageSnapshot>();
    s->stage = c.stage;
    s->pair = c.pair;
    s->pairs = c.pairs;
    s->done = c.done;
    s->total = c.total;
    s->level = c.level;
    s->iteration = c.iteration;
    s->maxIterations = c.maxIterations;
    s->evaluations = c.evaluations;
    s->seconds = c.seconds;
    s->fraction = c.fraction;
    if (std::isfinite(c.secondsLeft) && c.stage != geo::RunStage::Spacetime)
        s->timeLeft = QString("at most %1 left (%2 evaluations planned)")
                          .arg(QString::fromStdString(geo::formatDuration(c.secondsLeft)))
                          .arg(c.plannedEvaluations.total());
    s->residualMean = c.residualMean;
    s->residualMax = c.residualMax;
    s->previewPair = c.previewPair;
    if (c.previewPair >= 0) {
        s->previewT = toQVector(c.pathPreview.t);
        s->pathFrames = toQImages(c.pathPreview.frames);
        s->baselineFrames = toQImages(c.baselinePreview.frames);
        s->pathLogDensity = toQVector(c.pathPreview.logDensity);
        s->baselineLogDensity = toQVector(c.baselinePreview.logDensity);
        s->pathLogLength = c.pathPreview.logLength;
        s->baselineLogLength = c.baselinePreview.logLength;
    }
    s->mapPath = mapLine(c.map.path);
    s->mapBaseline = mapLine(c.map.baseline);
    s->mapControl = mapLine(c.map.control);
    if (c.densityResult) s->densityResult = resultOf(c.densityResult);
    s->spacetimeLambda = toQVector(c.spacetimeLambda);
    s->spacetimeFrames = toQImages(c.spacetimeFrames);
    s->spacetimeEnergy = c.spacetimeEnergy;
    return s;
}

}  // namespace

QString stageTitle(geo::RunStage stage) {
    const QString name = QString::fromStdString(geo::stageName(stage));
    return name.left(1).toUpper() + name.mid(1);
}

std::shared_ptr<geo::KeyframeCache> newKeyframeCache() { return geo::makeKeyframeCache(); }

ModelService::Job imageRunJob(ImageRunRequest request, std::shared_ptr<geo::KeyframeCache> cache) {
    return [request = std::move(request), cache](const std::shared_ptr<geo::DiffusionModel>& model, const geo::SolveControl& control,
                                                 const ModelService::Reporter& report) -> QVariant {
        if (!model) throw geo::InputError("no model is loaded");
        std::vector<geo::RgbImage> squares;
        for (const auto& im : request.images) squares.push_back(geo::centreSquare(*im, model->imageSize()));
        geo::ImageRunOptions o = request.options;
        o.density.keyframeCache = cache;
        const auto run = std::make_shared<const geo::ImageRunResult>(
            geo::runImages(model, geo::imagesToTensor(squares), o, control,
                           [&report](const geo::ImageRunSnapshot& s) { report.publish(QVariant::fromValue(snapshotOf(s))); }));
        return QVariant::fromValue(resultOf(run));
    };
}

QStringList exportImageRun(const ImageRunResult& result, const ImageExportRequest& r) {
    if (!result.run) throw geo::InputError("there is no finished path to export");
    const geo::ImagePathExport e = geo::folderExport(*result.run, r.folder.toStdString(), r.json, r.gif, r.mp4, r.animation);
    QStringList written;
    for (const std::string& f : geo::exportImageRun(*result.run, e)) written << QString::fromStdString(f);
    return written;
}
