#pragma once
// The toy mode under the spacetime (Fisher–Rao) metric. Three views share the field view:
//   - a 1-D mixture's (x, t) plane: log p_t(x) as a heat map, the geodesic between A and B and the
//     probability-flow trajectory, both ends draggable in x and in t;
//   - a 2-D field: the geodesic's x-trajectory between A and B (both at the end log-SNR) over the
//     density, its posterior means, λ along it, and its energy, length and edit distance, live while
//     dragging (warm-started quick solves, then a full one on release);
//   - transition paths on Müller–Brown: the geodesic between two minima under a constraint, sampled
//     paths, their maximum energies against the minimax lower bound.
#include <QObject>
#include <QThread>
#include <memory>

#include "spacetime_worker.h"
#include "toy/presets.h"

class QComboBox;
class QDoubleSpinBox;
class QLabel;
class QSpinBox;
class QStatusBar;
class QWidget;
namespace widgets {
class FieldView;
class LinePlot;
}  // namespace widgets

class SpacetimeMode : public QObject {
    Q_OBJECT
public:
    SpacetimeMode(widgets::FieldView* view, widgets::LinePlot* plot, QLabel* info, QStatusBar* status);
    ~SpacetimeMode() override;

    static QString planePresetName() { return "mixture-1d"; }
    // Shows the scene (ignored for the 1-D plane) and solves; false after showing why it cannot.
    bool activate(const QString& name, const geo::ToyScene& scene);
    void requestSolve(bool quick);
    bool isUpToDate() const;
    QWidget* controls() const { return controls_; }
    void setConstraint(geo::TpsConstraint c);
    const SpacetimeResult* shownResult() const { return shown_.get(); }
    QString infoText() const;
    int framesDrawn() const { return framesDrawn_; }

private:
    void onResult(SpacetimeResultPtr r);
    void drawPlane(const SpacetimeResult& r);
    void drawGeodesic(const SpacetimeResult& r);
    void drawTransitionPaths(const SpacetimeResult& r);
    double endTime() const;

    widgets::FieldView* view_;
    widgets::LinePlot* plot_;
    QLabel* info_;
    QStatusBar* status_;
    QWidget* controls_ = nullptr;
    QDoubleSpinBox* endLambda_ = nullptr;
    QComboBox* constraint_ = nullptr;
    QSpinBox* paths_ = nullptr;

    QThread thread_;
    SpacetimeWorker* worker_ = nullptr;
    SpacetimeRequest::Kind kind_ = SpacetimeRequest::Kind::Geodesic;
    std::shared_ptr<const geo::Denoiser> denoiser_;
    std::shared_ptr<const geo::TpsSystem> system_;
    quint64 nextStamp_ = 1;
    SpacetimeResultPtr shown_;
    Eigen::MatrixXd warmStart_;
    int framesDrawn_ = 0;
};
