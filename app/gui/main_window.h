#pragma once
// The explorer's window. Toy mode: drag A and B over a 2-D density and watch the geodesic, the
// density along it and both lengths follow; an IVP tool shoots geodesics from a start point. The
// metric selector switches between the density metric, the spacetime (Fisher–Rao) metric of
// spacetime_mode.h, and the Euclidean one (the straight segment).
#include <QElapsedTimer>
#include <QMainWindow>
#include <QThread>
#include <QTimer>
#include <QUndoStack>

#include "field_view/field_view.h"
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

class ModelPanel;
class QDockWidget;

class MainWindow : public QMainWindow {
    Q_OBJECT
public:
    explicit MainWindow(QWidget* parent = nullptr);
    ~MainWindow() override;

    void loadPreset(const QString& name);
    bool loadFieldFile(const QString& path);  // false after showing why
    // Moves a handle as a finished drag would (undoable) and asks for a solve.
    void setHandle(widgets::Handle h, QPointF position);
    void setIvpToolEnabled(bool on);
    enum class Metric { Density, Spacetime, Euclidean };
    void setMetric(Metric m);
    Metric metric() const;
    SpacetimeMode* spacetime() const { return spacetime_; }
    ModelPanel* modelPanel() const { return modelPanel_; }
    void showModelPanel();
    widgets::LinePlot* linePlot() const { return linePlot_; }

    bool exportPng(const QString& path, QString* error = nullptr);
    bool exportPathCsv(const QString& path, QString* error = nullptr);
    bool exportPathJson(const QString& path, QString* error = nullptr);

    widgets::FieldView* fieldView() const { return view_; }
    widgets::DensityPlot* densityPlot() const { return plot_; }
    QUndoStack* undoStack() { return &undo_; }
    QString infoText() const;
    bool isUpToDate() const;  // the latest request's final result is drawn
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
    ModelPanel* modelPanel_ = nullptr;
    QDockWidget* modelDock_ = nullptr;
};
