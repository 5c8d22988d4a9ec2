#pragma once
// The live views of the image mode: the frame strip of the geodesic above the baseline's, the
// relative log-density of both against t with the keyframes marked, a 2-D map of the path (the plane
// of the endpoints' chord and of the largest departure from the baseline) with the control points, and
// the numbers. Fed with solver snapshots while a run goes (one-step previews) and with the finished
// run (full DDIM frames). Clicking a frame shows it large with its t, density and residual.
#include <QWidget>

#include "image_jobs.h"

class QLabel;
class QDialog;
namespace widgets {
class FrameStrip;
class LinePlot;
}  // namespace widgets

class ImageViews : public QWidget {
    Q_OBJECT
public:
    explicit ImageViews(QWidget* parent = nullptr);
    void clear();
    void startRun(int pairs, bool extrapolate);  // empties the live strip for a run of this many pairs
    void showSnapshot(const ImageSnapshot& s);
    void showResult(const ImageRunResult& r);

    widgets::FrameStrip* strip() const { return strip_; }
    widgets::LinePlot* densityPlot() const { return density_; }
    widgets::LinePlot* mapPlot() const { return map_; }
    QString numbersText() const;
    int previewsShown() const { return previewsShown_; }
    QVector<int> previewLevels() const { return previewLevels_; }  // the level of each preview drawn, in order
    QVector<int> levelsSeen() const { return levelsSeen_; }        // every solver level a snapshot reported
    void showFrame(int column);  // the large view of one column
    QDialog* frameViewer() const { return viewer_; }

private:
    void drawLive();
    void drawMap(const MapLine& path, const MapLine& baseline, const MapLine& control, const MapLine& keys);

    widgets::FrameStrip* strip_;
    widgets::LinePlot *density_, *map_;
    QLabel* numbers_;
    QDialog* viewer_;
    QLabel *viewerImage_, *viewerText_;

    // Live state of a run: per pair, the latest preview.
    bool extrapolate_ = false;
    QVector<QVector<QImage>> livePath_, liveBaseline_;
    QVector<QVector<double>> liveT_, livePathDensity_, liveBaselineDensity_;
    int previewsShown_ = 0;
    QVector<int> previewLevels_, levelsSeen_;
    // What a click on a frame shows.
    struct Column {
        QImage path, baseline;
        double t = 0, pathDensity = 0, baselineDensity = 0, residual = 0;
        bool final = false;
    };
    QVector<Column> columns_;
};
