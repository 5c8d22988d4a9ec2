#pragma once
// The explorer's window: a host of modes (toy densities with the density, spacetime and Euclidean
// metrics; images through a diffusion model; is a video a geodesic), each on its own tab with its own controls and undo
// history, and the one ModelService they share with the model panel.
#include <QMainWindow>
#include <QUndoGroup>
#include <memory>

#include "model_service.h"

class ImageMode;
class Mode;
class ModelPanel;
class QDockWidget;
class QTabWidget;
class ToyMode;
class VideoMode;

class MainWindow : public QMainWindow {
    Q_OBJECT
public:
    explicit MainWindow(QWidget* parent = nullptr);
    ~MainWindow() override;

    ToyMode* toy() const { return toy_; }
    ImageMode* images() const { return images_; }
    VideoMode* video() const { return video_; }
    ModelService* modelService() const { return service_.get(); }
    ModelPanel* modelPanel() const { return modelPanel_; }
    void showModelPanel();
    void showMode(Mode* mode);
    Mode* currentMode() const;
    bool isUpToDate() const;  // the shown mode has nothing in flight

private:
    void modeChanged();

    // Outlives the modes and the panel (the destructor deletes them first): they cancel their jobs on
    // it as they go; then it stops its threads.
    std::unique_ptr<ModelService> service_;
    QTabWidget* tabs_ = nullptr;
    ToyMode* toy_ = nullptr;
    ImageMode* images_ = nullptr;
    VideoMode* video_ = nullptr;
    QUndoGroup undo_;
    QMenu* file_ = nullptr;
    ModelPanel* modelPanel_ = nullptr;
    QDockWidget* modelDock_ = nullptr;
};
