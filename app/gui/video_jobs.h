#pragma once
// The torch side of the video mode, kept out of Qt headers: reading a video (a file, a folder of
// frames, a path JSON, or a scene video from the generator), core's video analysis as a ModelService
// job that publishes the optimisation's progress live and returns every path's residuals and the
// decoded frames, and the export of a finished analysis.
#include <QImage>
#include <QMetaType>
#include <QString>
#include <QStringList>
#include <QVector>
#include <memory>
#include <vector>

#include "io/image_io.h"
#include "model_service.h"
#include "pipeline/run_stage.h"

namespace geo {
struct VideoAnalysis;
}

// Frames as the analysis and the strip take them: centre squares at one size.
struct VideoFrames {
    QString name;      // the file or folder name, or "scene video, seed S"
    QString path;      // empty for a generated video
    QStringList frameNames, warnings;
    std::shared_ptr<const std::vector<geo::RgbImage>> frames;
    QVector<QImage> images;
};
// Throws geo::InputError naming the path (no frames, mixed sizes, more than maxFrames, fewer than 3).
VideoFrames readVideoFrames(const QString& path, int size, int maxFrames = 256);
VideoFrames sceneVideoFrames(quint64 seed, int frames, int size);

struct VideoAnalysisSettings {
    double noiseLevel = 0.6;
    int iterations = 200, minIterations = 50;
    quint64 seed = 0;
    QString prompt;  // text models: the one prompt of every frame
    int textualInversionSteps = 0;  // text models: its embedding inverted over all frames first (§7)
    bool operator==(const VideoAnalysisSettings&) const = default;
};

struct VideoAnalysisRequest {
    VideoFrames video;
    VideoAnalysisSettings settings;
};

// While the job runs: the stage, and during Optimise the mean terms of the frames moved.
struct VideoSnapshot {
    geo::RunStage stage = geo::RunStage::Encode;
    int done = 0, total = 0;
    int iteration = 0;
    double meanRatio = 0, meanTerm1 = 0, meanTerm2 = 0;
    double seconds = 0;
};
Q_DECLARE_METATYPE(VideoSnapshot)

struct VideoPathCurve {
    QString name;  // video, optimised, perturbed 0.25, …, smoothed, slerp
    QVector<double> t, residual, ratio, angle, logDensity;
    double meanResidual = 0, meanRatio = 0, logLength = 0;
};

struct VideoAnalysisResult {
    std::shared_ptr<const geo::VideoAnalysis> analysis;  // for export
    QString videoName;
    QVector<VideoPathCurve> paths;      // video first, optimised second
    QVector<QImage> video, optimised;   // the frames as the model saw them; the optimised path decoded
    QVector<double> ratioHistory;       // the optimisation's mean ratio per iteration
    QString verdict;
    int iterations = 0, ruleFirstHeld = 0, timestep = 0;
    bool stoppedByRule = false;
    double alpha = 0, noiseLevel = 0;
    long long evaluations = 0;
    double seconds = 0;
    QStringList warnings;
};
using VideoAnalysisResultPtr = std::shared_ptr<const VideoAnalysisResult>;
Q_DECLARE_METATYPE(VideoAnalysisResultPtr)

// The job for ModelService::Slot::VideoAnalysis: publishes VideoSnapshot, returns VideoAnalysisResultPtr.
ModelService::Job videoAnalysisJob(VideoAnalysisRequest request);

// FOLDER/frame_000.png … (the video), FOLDER/optimised/…, FOLDER/strip.png, FOLDER/analysis.json and
// FOLDER/residual.png, all or nothing; throws. Returns the paths written.
QStringList exportVideoAnalysisRun(const VideoAnalysisResult& result, const QString& folder);
