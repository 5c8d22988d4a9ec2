#pragma once
// What the video mode shows: the video's frames above the optimised path's, the Euler–Lagrange
// residual against t for every path (video, optimised, perturbed, smoothed, slerp), the optimisation's
// progress live, and a table of each path's numbers with the verdict.
#include <QWidget>

#include "video_jobs.h"

class QLabel;
class QTableWidget;
namespace widgets {
class FrameStrip;
class LinePlot;
}  // namespace widgets

class VideoViews : public QWidget {
    Q_OBJECT
public:
    explicit VideoViews(QWidget* parent = nullptr);
    void showVideo(const VideoFrames& video);          // the strip's top row; clears the rest
    void showProgress(const VideoSnapshot& snapshot);  // the optimisation's curve grows
    void showResult(const VideoAnalysisResult& result);
    void clearResult();                                // back to the video alone

    widgets::FrameStrip* strip() const { return strip_; }
    widgets::LinePlot* residualPlot() const { return residual_; }
    widgets::LinePlot* optimisationPlot() const { return optimisation_; }
    QTableWidget* table() const { return table_; }
    QString verdict() const;

private:
    widgets::FrameStrip* strip_ = nullptr;
    widgets::LinePlot *residual_ = nullptr, *optimisation_ = nullptr;
    QTableWidget* table_ = nullptr;
    QLabel* verdict_ = nullptr;
    QVector<QImage> video_;
    QVector<double> liveIteration_, liveRatio_;
};
