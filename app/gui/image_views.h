#pragma once
// The live views of the image mode: the frame strip of the density geodesic, the spacetime geodesic
// (its posterior means; alone, also its curve points) and the slerp baseline one above another, the
// relative log-density of the density geodesic and the slerp against t with the keyframes marked, a
// 2-D map of the density path (the plane of the endpoints' chord and of the largest departure from the
// baseline) with the control points, λ along the spacetime curve, and the numbers. Fed with solver snapshots while a run goes (one-step previews) and with the finished
// run (full DDIM frames). Clicking a frame shows it large with its t, density and residual.
#include <QWidget>
#include <cmath>

#include "image_jobs.h"

class QLabel;
class QScrollArea;
class QGridLayout;
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
    // Empties the live strip for a run of this many pairs in this geometry (density, spacetime, both).
    void startRun(int pairs, bool extrapolate, geo::Geometry geometry = geo::Geometry::Density, int framesPerPair = 17);
    void showSnapshot(const ImageSnapshot& s);
    void showResult(const ImageRunResult& r);

    widgets::FrameStrip* strip() const { return strip_; }
    widgets::LinePlot* densityPlot() const { return density_; }
    widgets::LinePlot* mapPlot() const { return map_; }
    widgets::LinePlot* lambdaPlot() const { return lambda_; }
    int spacetimePreviewsShown() const { return spacetimePreviews_; }
    QString numbersText() const;
    int previewsShown() const { return previewsShown_; }
    QVector<int> previewLevels() const { return previewLevels_; }  // the level of each preview drawn, in order
    QVector<int> levelsSeen() const { return levelsSeen_; }        // every solver level a snapshot reported
    void showFrame(int column);  // the large view of one column
    QDialog* frameViewer() const { return viewer_; }

private:
    void drawLive();
    void drawSpacetimeLive();
    void showGeometry(bool density, bool spacetime);
    void setStrip();  // the rows below, in order, those that have frames
    QString spacetimeNumbers(const SpacetimeRunResult& r) const;
    void drawMap(const MapLine& path, const MapLine& baseline, const MapLine& control, const MapLine& keys);

    widgets::FrameStrip* strip_;
    QScrollArea* stripArea_;
    QGridLayout* grid_;
    widgets::LinePlot *density_, *map_, *lambda_;
    QLabel* numbers_;
    QDialog* viewer_;
    QLabel *viewerImage_, *viewerText_;

    // Live state of a run: per pair, the latest preview.
    bool extrapolate_ = false;
    QVector<QVector<QImage>> livePath_, liveBaseline_;
    QVector<QVector<double>> liveT_, livePathDensity_, liveBaselineDensity_;
    int previewsShown_ = 0, spacetimePreviews_ = 0;
    geo::Geometry geometry_ = geo::Geometry::Density;
    int framesPerPair_ = 17;
    QVector<QVector<QImage>> liveSpacetime_;
    QVector<QVector<double>> liveLambda_;
    // What the strip shows (null images: not there yet); *Final: full decodes rather than previews.
    QVector<QImage> densityFrames_, spacetimeFrames_, noisyFrames_, slerpFrames_;
    bool densityFinal_ = false, spacetimeFinal_ = false;
    QVector<int> keys_;
    QString densityNumbers_;  // the finished density geodesic's table, kept above the spacetime solve's progress
    QVector<int> previewLevels_, levelsSeen_;
    // What a click on a frame shows.
    struct Column {
        QImage path, baseline, spacetime;
        double t = 0, pathDensity = 0, baselineDensity = 0, residual = 0, lambda = NAN;
        bool final = false;
    };
    QVector<Column> columns_;
};
