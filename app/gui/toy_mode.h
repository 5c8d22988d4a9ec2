#pragma once
// The toy mode: drag A and B over a 2-D density and watch the geodesic, the
// density along it and both lengths follow; an IVP tool shoots geodesics from a start point. The
// metric selector switches between the density metric, the spacetime (Fisher–Rao) metric of
// spacetime_mode.h, and the Euclidean one (the straight segment).
#include <QElapsedTimer>
#include <QThread>
#include <QTimer>
#include <QUndoStack>

#include "field_view/field_view.h"
#include "mode.h"
#include "spacetime_mode.h"
#include "toy/presets.h"
#include "toy_worker.h"

class QLabel;
class QComboBox;
class QSpinBox;
class QStackedWidget;
namespace widgets {
class DensityPlot;
class LinePlot;
}

class QStatusBar;

class ToyMode : public Mode {
    Q_OBJECT
public:
    explicit ToyMode(QWidget* parent = nullptr);
    ~ToyMode() override;
    QString title() const override { return "Toy densities"; }
    QList<QAction*> fileActions() const override { return fileActions_; }
    QUndoStack* undoStack() override { return &undo_; }
    bool isUpToDate() const override;  // the latest request's final result is drawn

    void loadPreset(const QString& name);
    bool loadFieldFile(const QString& path);  // false after showing why
    // Moves a handle as a finished drag would (undoable) and asks for a solve.
    void setHandle(widgets::Handle h, QPointF position);
    void setIvpToolEnabled(bool on);
    enum class Metric { Density, Spacetime, Euclidean };
    void setMetric(Metric m);
    Metric metric() const;
    SpacetimeMode* spacetime() const { return spacetime_; }
    widgets::LinePlot* linePlot() const { return linePlot_; }

    bool exportPng(const QString& path, QString* error = nullptr);
    bool exportPathCsv(const QString& path, QString* error = nullptr);
    bool exportPathJson(const QString& path, QString* error = nullptr);

    widgets::FieldView* fieldView() const { return view_; }
    widgets::DensityPlot* densityPlot() const { return plot_; }
    QString infoText() const;
    const ToyResult* shownResult() const { return shown_.get(); }
    int framesDrawn() const { return metric() == Metric::Spacetime ? spacetime_->framesDrawn() : framesDrawn_; }  // for the drag benchmark

private:
    void buildUi();
    void applyScene();
    void requestSolve();
    void onResult(ToyResultPtr r);
    void draw();
    void seedIvpFromGeodesic();
    template <typename Write> bool exportWith(const QString& path, QString* error, Write write);

    widgets::FieldView* view_ = nullptr;
    widgets::DensityPlot* plot_ = nullptr;
    QLabel* info_ = nullptr;
    QComboBox* presets_ = nullptr;
    QComboBox* metric_ = nullptr;
    widgets::LinePlot* linePlot_ = nullptr;
    QStackedWidget* sidePlots_ = nullptr;
    SpacetimeMode* spacetime_ = nullptr;
    QAction* spacetimeControls_ = nullptr;
    QAction* pointsAction_ = nullptr;
    QSpinBox* points_ = nullptr;
    QAction* ivpAction_ = nullptr;
    QUndoStack undo_;

    QThread thread_;
    ToySolverWorker* worker_ = nullptr;
    geo::ToyScene scene_;
    quint64 nextStamp_ = 1;
    ToyResultPtr pending_, shown_;
    QTimer drawTimer_;
    QElapsedTimer sinceDraw_;
    int framesDrawn_ = 0;
    QStatusBar* status_ = nullptr;
    QWidget* canvas_ = nullptr;  // what "Export view as PNG" grabs
    QList<QAction*> fileActions_;
};
