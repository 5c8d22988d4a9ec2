#pragma once
// The video mode: is a video a geodesic of the model? A video (a file OpenCV reads, a folder of
// frames, a path JSON, or a scene video from the generator) is analysed on the window's ModelService
// (core's analyseVideo): every frame inverted, the path through them measured beside the path
// optimised from it and perturbed, smoothed and slerp paths; the optimisation watched live, then the
// residual of every path against t, the video's strip above the optimised path's, and the verdict.
// Opening a video is undoable; changing an option re-runs a shown result; export writes the frames,
// the strip, the JSON and the plot.
#include <QTimer>
#include <QUndoStack>

#include "export_slot.h"
#include "mode.h"
#include "video_jobs.h"

class QDoubleSpinBox;
class QLabel;
class QLineEdit;
class QProgressBar;
class QPushButton;
class QSpinBox;
class QThread;
class VideoViews;

class VideoMode : public Mode {
    Q_OBJECT
public:
    explicit VideoMode(ModelService* service, QWidget* parent = nullptr);
    ~VideoMode() override;
    QString title() const override { return "Video"; }
    QList<QAction*> fileActions() const override { return fileActions_; }
    QUndoStack* undoStack() override { return &undo_; }
    bool isUpToDate() const override;  // no reading, no run, no export, no pending re-run

    // Read off the GUI thread; videoOpened reports (false with the reason, the shown video stays).
    void openVideo(const QString& path);
    void openSceneVideo(quint64 seed, int frames = 16);
    const VideoFrames& video() const { return video_; }

    VideoAnalysisSettings settings() const;
    void setSettings(const VideoAnalysisSettings& s);
    bool run();  // false after saying why it cannot start
    void cancel();
    bool isRunning() const { return runId_ != 0; }
    VideoAnalysisResultPtr result() const { return result_; }
    VideoViews* views() const { return views_; }
    QString statusText() const;

    bool exportResult(const QString& folder);  // off the GUI thread; exportFinished reports

Q_SIGNALS:
    void videoOpened(bool ok, QString message);
    void runFinished(bool completed);
    void exportFinished(bool ok, QString message);

protected:
    void dragEnterEvent(QDragEnterEvent* e) override;
    void dropEvent(QDropEvent* e) override;

private:
    void buildUi();
    QWidget* buildOptions();
    void read(const QString& what, std::function<VideoFrames()> reader);
    void showVideo(const VideoFrames& v);  // the undo stack's setter
    void chooseFile();
    void chooseFolder();
    void chooseExportFolder();
    void onSnapshot(const VideoSnapshot& s);
    void onFinished(const QVariant& result, const QString& error, bool cancelled);
    void optionChanged();
    void setStatus(const QString& text, bool error = false);
    void setRunning(bool running);
    int readSize() const;  // the loaded model's image size, or the shipped model's until one is loaded

    ModelService* service_;
    QUndoStack undo_;
    QList<QAction*> fileActions_;
    VideoFrames video_;
    int reading_ = 0;
    quint64 scenesMade_ = 0;

    VideoViews* views_ = nullptr;
    QDoubleSpinBox* noise_ = nullptr;
    QSpinBox *iterations_ = nullptr, *minIterations_ = nullptr, *seed_ = nullptr, *inversion_ = nullptr;
    QLineEdit* prompt_ = nullptr;
    QWidget* textOptions_ = nullptr;
    QPushButton *runButton_ = nullptr, *cancelButton_ = nullptr, *exportButton_ = nullptr;
    QProgressBar* progress_ = nullptr;
    QLabel* status_ = nullptr;

    quint64 runId_ = 0;
    VideoAnalysisResultPtr result_;
    QTimer rerunTimer_;
    ExportSlot exports_;
};
