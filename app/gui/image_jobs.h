#pragma once
// The torch side of the image mode, kept out of Qt headers: core's image run (image_run/) as a
// ModelService job whose snapshots and result come back as Qt types, and the export of a result.
// Nothing here decides what runs or when previews are due; core does.
#include <QImage>
#include <QMetaType>
#include <QPointF>
#include <QString>
#include <QStringList>
#include <QVector>
#include <memory>
#include <vector>

#include "image_run/image_run_options.h"
#include "io/animation.h"
#include "model_service.h"
#include "pipeline/run_stage.h"

namespace geo {
struct ImagePath;
struct ImageRunResult;
class KeyframeCache;
}  // namespace geo

struct ImageRunRequest {
    std::vector<std::shared_ptr<const geo::RgbImage>> images;  // any size: the job takes their centre squares
    geo::ImageRunOptions options;       // with the prompts (text models) and the keyframes' names
};

// One line of a 2-D map: points in the plane of the endpoints and of the largest departure.
struct MapLine {
    QVector<QPointF> points;
};

struct ImageRunResult;

// "Encode", "Textual inversion", "Solve", …: a stage as the progress line starts it.
QString stageTitle(geo::RunStage stage);

// core's ImageRunSnapshot in Qt types.
struct ImageSnapshot {
    geo::RunStage stage = geo::RunStage::Encode;
    int pair = 0, pairs = 1, done = 0, total = 0;
    int level = 0, iteration = 0, maxIterations = 0;
    long long evaluations = 0;
    double seconds = 0;
    double residualMean = 0, residualMax = 0;
    int previewPair = -1;          // the previewed pair (−1: none in this snapshot): preview frames at previewT
    QVector<double> previewT;
    QVector<QImage> pathFrames, baselineFrames;
    QVector<double> pathLogDensity, baselineLogDensity;
    double pathLogLength = 0, baselineLogLength = 0;
    MapLine mapPath, mapBaseline, mapControl;  // the pairs solved so far
    std::shared_ptr<const ImageRunResult> densityResult;  // geometry both: once, when the spacetime solves begin
    double fraction = 0;           // the run's share done, 0 … 1
    QString timeLeft;              // "at most 14 min left (1 234 evaluations planned)" once the rate is measured; empty before
    QVector<double> spacetimeLambda;
    QVector<QImage> spacetimeFrames;  // now and then: the pair's posterior means decoded
    double spacetimeEnergy = 0;
};
using ImageSnapshotPtr = std::shared_ptr<const ImageSnapshot>;
Q_DECLARE_METATYPE(ImageSnapshotPtr)

// The spacetime geodesic through the keyframes (pairs joined), as drawn.
struct SpacetimeRunResult {
    QVector<QImage> means, noisy;      // decoded posterior means; curve points DDIM-decoded
    QVector<double> t, lambda;         // per frame: keyframe k at t = k; the curve's log-SNR
    QVector<double> pairDistance;      // DED of each pair
    double energy = 0, energyError = 0, editDistance = 0, editDistanceError = 0, lambdaMin = 0, lambdaEnd = 0;
    int steps = 0;
    QString stop;
    long long forward = 0, backward = 0;
    double seconds = 0;
};

struct ImageRunResult {
    std::shared_ptr<const geo::ImageRunResult> run;  // core's, for export
    std::shared_ptr<const geo::ImagePath> path;      // the density geodesic (null: not asked for)
    std::shared_ptr<const SpacetimeRunResult> spacetime;  // null: not asked for
    QStringList keyframeNames;
    QVector<QImage> frames, baselineFrames;
    QVector<double> t, pathLogDensity, baselineLogDensity;
    QVector<int> keyframes;
    double pathLogLength = 0, baselineLogLength = 0;
    double residualMean = 0, residualMax = 0, baselineResidualMean = 0;
    QVector<double> frameResidual;  // at each frame: the residual of the nearest solved control point (NaN where none)
    int iterations = 0;
    long long evaluations = 0;
    double seconds = 0;
    QString solver;
    double alpha = 0;
    QStringList warnings;
    MapLine mapPath, mapBaseline, mapControl, mapKeyframes;
};
using ImageRunResultPtr = std::shared_ptr<const ImageRunResult>;
Q_DECLARE_METATYPE(ImageRunResultPtr)

// The job for ModelService::Slot::ImagePath: publishes ImageSnapshotPtr, returns ImageRunResultPtr.
ModelService::Job imageRunJob(ImageRunRequest request, std::shared_ptr<geo::KeyframeCache> cache);
std::shared_ptr<geo::KeyframeCache> newKeyframeCache();

struct ImageExportRequest {
    QString folder;
    bool gif = true, mp4 = false, json = true;
    geo::AnimationOptions animation;
};
// core's exportImageRun into the folder, the files named as the window names them; throws.
// Returns the paths written, for the status line.
QStringList exportImageRun(const ImageRunResult& result, const ImageExportRequest& request);
