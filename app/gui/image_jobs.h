#pragma once
// The torch side of the image mode, kept out of Qt headers: a run of core's image pipeline as a
// ModelService job that publishes live snapshots (preview frames, densities, the path's map) and
// returns the finished path; and the export of a finished path.
#include <QImage>
#include <QMetaType>
#include <QPointF>
#include <QString>
#include <QStringList>
#include <QVector>
#include <memory>
#include <vector>

#include "io/animation.h"
#include "model_service.h"

namespace geo {
struct ImagePath;
struct SpacetimeImagePath;
class KeyframeCache;
}  // namespace geo

// The model's defaults (core's defaultPipelineOptions): α, solver, jitter, negative prompt.
ImageRunSettings defaultImageSettings(const geo::DiffusionModel& model);

struct ImageRunRequest {
    std::vector<std::shared_ptr<const geo::RgbImage>> images;  // any size: the job takes their centre squares
    QStringList prompts;                // text models: one per image (empty strings allowed)
    QStringList names;                  // the keyframes' files (or names), for the exported JSON
    ImageRunSettings settings;
};

// One line of a 2-D map: points in the plane of the endpoints and of the largest departure.
struct MapLine {
    QVector<QPointF> points;
};

struct ImageRunResult;

struct ImageSnapshot {
    QString stage;                 // encode, invert, solve, shoot, decode, retime, measure
    int pair = 0, pairs = 1, done = 0, total = 0;
    int level = 0, iteration = 0, maxIterations = 0;
    long long evaluations = 0;
    double seconds = 0;
    double residualMean = 0, residualMax = 0;
    // The previewed pair (−1: none in this snapshot): one-step denoised frames at previewT.
    int previewPair = -1;
    QVector<double> previewT;
    QVector<QImage> pathFrames, baselineFrames;
    QVector<double> pathLogDensity, baselineLogDensity;
    double pathLogLength = 0, baselineLogLength = 0;
    // The map of the pairs solved so far (path, baseline, control points).
    MapLine mapPath, mapBaseline, mapControl;
    // Geometry "both": the density run's result, once, when the spacetime solves begin.
    std::shared_ptr<const ImageRunResult> densityResult;
    // The run's share done, 0 … 1 (for the progress bar; the run knows which geometries it solves).
    double fraction = 0;
    // Spacetime solves (stage "spacetime"): pair `pair`'s curve, λ at each of its points, and now and
    // then its posterior means decoded (spacetimeFrames, empty otherwise).
    QVector<double> spacetimeLambda;
    QVector<QImage> spacetimeFrames;
    double spacetimeEnergy = 0;
};
using ImageSnapshotPtr = std::shared_ptr<const ImageSnapshot>;
Q_DECLARE_METATYPE(ImageSnapshotPtr)

// The spacetime geodesic through the keyframes (pairs joined), as drawn and exported.
struct SpacetimeRunResult {
    std::shared_ptr<const geo::SpacetimeImagePath> path;  // for export
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
    std::shared_ptr<const geo::ImagePath> path;  // the density geodesic, for export (null: not asked for)
    std::shared_ptr<const SpacetimeRunResult> spacetime;  // null: not asked for
    QStringList keyframeNames;  // of the run's keyframes, in order
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
// Writes frames, baseline, strip and the chosen files atomically (core's exportImagePath), and the
// spacetime geodesic's into FOLDER/spacetime/ (core's exportSpacetimePath); throws.
// Returns the paths written, for the status line.
QStringList exportImageRun(const ImageRunResult& result, const ImageExportRequest& request);
