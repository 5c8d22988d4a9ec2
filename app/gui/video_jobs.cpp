#include "video_jobs.h"

#include <ATen/ATen.h>
#include <QDir>
#include <QFileInfo>
#include <chrono>

#include "common/errors.h"
#include "image_convert.h"
#include "io/frame_sequence.h"
#include "nn/image_tensor.h"
#include "pipeline/analysis_export.h"
#include "pipeline/snapshot_throttle.h"
#include "pipeline/video_analysis.h"
#include "scenes/scene.h"
#include "frame_images.h"

namespace {


QVector<QImage> toQImages(const std::vector<geo::RgbImage>& frames) {
    QVector<QImage> out;
    for (const geo::RgbImage& f : frames) out << toQImage(f);
    return out;
}

QVector<double> toVector(const std::vector<double>& v) { return QVector<double>(v.begin(), v.end()); }

VideoPathCurve curveOf(const geo::AnalysedPath& p) {
    VideoPathCurve c;
    c.name = QString::fromStdString(p.name);
    c.t = toVector(p.terms.t);
    c.residual = toVector(p.terms.residual);
    c.ratio = toVector(p.terms.ratio);
    c.angle = toVector(p.terms.angle);
    c.logDensity = toVector(p.terms.logDensity);
    c.meanResidual = p.terms.meanResidual;
    c.meanRatio = p.terms.meanRatio;
    c.logLength = p.terms.logLength;
    return c;
}

}  // namespace

VideoFrames readVideoFrames(const QString& path, int size, int maxFrames) {
    const geo::FrameSequence s = geo::readFrameSequence(path.toStdString(), size, maxFrames);
    if (s.frames.size() < 3)
        throw geo::InputError(path.toStdString() + " holds " + std::to_string(s.frames.size()) + " frames; a video analysis needs 3 or more");
    VideoFrames v;
    v.path = path;
    v.name = QFileInfo(path).fileName();
    for (const std::string& n : s.names) v.frameNames << QString::fromStdString(n);
    for (const std::string& w : s.warnings) v.warnings << QString::fromStdString(w);
    v.images = toQImages(s.frames);
    v.frames = std::make_shared<const std::vector<geo::RgbImage>>(std::move(s.frames));
    return v;
}

VideoFrames sceneVideoFrames(quint64 seed, int frames, int size) {
    VideoFrames v;
    v.name = QString("scene video, seed %1").arg(seed);
    std::vector<geo::RgbImage> f = geo::renderSceneVideo(seed, frames, size);
    for (int i = 0; i < frames; ++i) v.frameNames << QString("frame %1").arg(i);
    v.images = toQImages(f);
    v.frames = std::make_shared<const std::vector<geo::RgbImage>>(std::move(f));
    return v;
}

ModelService::Job videoAnalysisJob(VideoAnalysisRequest request) {
    return [request = std::move(request)](const std::shared_ptr<geo::DiffusionModel>& model, const geo::SolveControl& control,
                                          const ModelService::Reporter& report) -> QVariant {
        if (!model) throw geo::InputError("no model is loaded");
        const auto start = std::chrono::steady_clock::now();
        const auto seconds = [&] { return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count(); };
        std::vector<geo::RgbImage> squares;
        for (const geo::RgbImage& f : *request.video.frames) squares.push_back(geo::centreSquare(f, model->imageSize()));
        const VideoAnalysisSettings& s = request.settings;
        geo::VideoAnalysisOptions o = geo::defaultVideoAnalysisOptions(*model);
        o.pipeline.noiseLevel = s.noiseLevel;
        o.pipeline.seed = s.seed;
        o.pipeline.jitterRange = 0;  // the analysis measures with the deterministic score, as the CLI does by default
        if (model->textConditioned()) {
            if (!s.prompt.isEmpty()) o.pipeline.prompts = {s.prompt.toStdString()};
            o.pipeline.textualInversionSteps = s.textualInversionSteps;
        }
        o.optimise.iterations = s.iterations;
        o.optimise.minIterations = s.minIterations;
        geo::SnapshotThrottle throttle;  // core's snapshot cadence, as for image runs
        const geo::VideoAnalysis a = geo::analyseVideo(model, geo::imagesToTensor(squares), o, control, [&](const geo::PipelineProgress& p) {
            if (!throttle.due(p.stage, false)) return;
            VideoSnapshot snap{p.stage, p.done, p.total, 0, 0, 0, 0, seconds()};
            if (p.framePath) {
                snap.iteration = p.framePath->iteration;
                snap.meanRatio = p.framePath->meanRatio;
                snap.meanTerm1 = p.framePath->meanTerm1;
                snap.meanTerm2 = p.framePath->meanTerm2;
            }
            report.publish(QVariant::fromValue(snap));
        });
        auto r = std::make_shared<VideoAnalysisResult>();
        r->videoName = request.video.name;
        for (const geo::AnalysedPath& p : a.paths) r->paths << curveOf(p);
        r->video = toQImages(a.video);
        if (a.optimisedFrames.defined()) r->optimised = toQImages(a.optimisedFrames);
        r->ratioHistory = toVector(a.optimisationRatioHistory);
        r->verdict = QString::fromStdString(a.summary.verdict);
        r->iterations = a.iterations;
        r->ruleFirstHeld = a.ruleFirstHeld;
        r->timestep = a.timestep;
        r->stoppedByRule = a.stoppedByRule;
        r->alpha = a.alpha;
        r->noiseLevel = a.noiseLevel;
        r->evaluations = a.unetEvaluations;
        r->seconds = a.seconds;
        for (const std::string& w : a.warnings) r->warnings << QString::fromStdString(w);
        r->warnings += request.video.warnings;
        r->analysis = std::make_shared<const geo::VideoAnalysis>(a);
        return QVariant::fromValue(VideoAnalysisResultPtr(r));
    };
}

QStringList exportVideoAnalysisRun(const VideoAnalysisResult& result, const QString& folder) {
    if (!result.analysis) throw geo::InputError("there is no analysis to export");
    const QDir dir(folder);
    const QString json = dir.filePath("analysis.json"), plot = dir.filePath("residual.png");
    geo::exportVideoAnalysis(*result.analysis, folder.toStdString(), json.toStdString(), plot.toStdString());
    QStringList written{json, plot};
    if (!result.optimised.isEmpty()) written << dir.filePath("strip.png");
    return written;
}
