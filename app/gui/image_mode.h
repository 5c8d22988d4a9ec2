#pragma once
// The image mode (image_mode.cpp: layout, runs, export; image_mode_keyframes.cpp; image_mode_options.cpp): keyframes (files, drops, paste, the scene generator, samples of the model), a run of
// core's image pipeline on the window's ModelService (interpolate the chain, or extrapolate past an
// end) in the density geometry, the spacetime one or both, watched live in ImageViews, cancel that keeps the last complete result, and export. Changing
// an option re-runs a shown result; the inverted keyframes are reused when only the solve changed.
#include <QElapsedTimer>
#include <QThread>
#include <QTimer>
#include <QUndoStack>
#include <map>

#include "export_slot.h"
#include "image_jobs.h"
#include "mode.h"

class ImageViews;
class QCheckBox;
class QComboBox;
class QDoubleSpinBox;
class QLabel;
class QLineEdit;
class QProgressBar;
class QPushButton;
class QSpinBox;
namespace widgets {
class KeyframeBar;
}

class ImageMode : public Mode {
    Q_OBJECT
public:
    explicit ImageMode(ModelService* service, QWidget* parent = nullptr);
    ~ImageMode() override;
    QString title() const override { return "Images"; }
    QList<QAction*> fileActions() const override { return fileActions_; }
    QUndoStack* undoStack() override { return &undo_; }
    bool isUpToDate() const override;  // no run, no export, no file reading, no pending re-run

    // Keyframes (each addition and removal can be undone).
    // Read off the GUI thread; imagesAdded reports (the readable ones are added, the others named).
    void addImageFiles(const QStringList& paths, int row = -1);
    void addImage(const QImage& image, const QString& name, int row = -1);
    void addScenes(int count = 2);
    bool addSample();   // false when no model is loaded
    void removeKeyframe(quint64 id);
    int keyframeCount() const;
    widgets::KeyframeBar* keyframeBar() const { return bar_; }

    geo::ImageRunOptions settings() const;  // the controls' values over the options last set
    void setSettings(const geo::ImageRunOptions& options);
    bool run();         // false after saying why it cannot start
    void cancel();
    bool isRunning() const { return runId_ != 0; }
    ImageRunResultPtr result() const { return result_; }
    ImageViews* views() const { return views_; }
    QString statusText() const;

    // Writes the shown result off the GUI thread; exportFinished reports. False when there is none.
    bool exportResult(const ImageExportRequest& request);
    void openExportDialog();

Q_SIGNALS:
    void runFinished(bool completed);  // a result is shown (true), or the run was cancelled or failed
    void imagesAdded(int added, QStringList failures);
    void exportFinished(bool ok, QString message);
    void previewDrawn(int pair, int level);  // a snapshot with a path preview is on screen

protected:
    void showEvent(QShowEvent* e) override;

private:
    struct Keyframe {
        QString name, path;
        std::shared_ptr<const geo::RgbImage> image;  // shared with the runs that use it
        QImage preview;
    };
    void buildUi();
    QWidget* buildOptions();
    quint64 store(Keyframe k);
    void readFiles(const QStringList& paths, std::function<void(QVector<Keyframe>, QStringList)> done);
    void applyOrder(const QVector<quint64>& ids);  // the bar shows exactly these stored keyframes
    void pushOrder(const QString& what, const QVector<quint64>& ids);  // undoably
    void keyframesChanged();                        // the bar reordered or a prompt changed
    void pasteImage();
    void chooseFiles();
    void replaceKeyframe(quint64 id);
    void rememberFiles(const QStringList& paths);
    void onModelLoaded(const ModelInfo& info);
    void onSnapshot(const ImageSnapshotPtr& s);
    void onFinished(const QVariant& result, const QString& error, bool cancelled);
    void drawPending();
    void optionChanged();
    void setStatus(const QString& text, bool error = false);
    void setRunning(bool running);

    ModelService* service_;
    QUndoStack undo_;
    QList<QAction*> fileActions_;
    std::map<quint64, Keyframe> keyframes_;  // removed ones stay for undo
    quint64 nextKeyframe_ = 1;
    QVector<quint64> order_;                 // the bar's order as last seen (for undoing a drag)
    bool applying_ = false;
    int reading_ = 0;                        // batches of files being read
    geo::ImageRunOptions options_;           // as last set: the model's defaults for what no control shows
    int scenesAdded_ = 0;
    quint64 sampleId_ = 0, sampleSeed_ = 0;

    widgets::KeyframeBar* bar_ = nullptr;
    ImageViews* views_ = nullptr;
    QComboBox *what_ = nullptr, *geometry_ = nullptr, *method_ = nullptr;
    QDoubleSpinBox *noise_ = nullptr, *alpha_ = nullptr, *length_ = nullptr;
    QSpinBox *spacetimeSteps_ = nullptr, *frames_ = nullptr, *iterations_ = nullptr, *seed_ = nullptr, *jitter_ = nullptr, *extraFrames_ = nullptr, *inversion_ = nullptr;
    QCheckBox* retime_ = nullptr;
    QLineEdit* negative_ = nullptr;
    QWidget *textOptions_ = nullptr, *extrapolationOptions_ = nullptr, *spacetimeOptions_ = nullptr;
    QPushButton *runButton_ = nullptr, *cancelButton_ = nullptr, *exportButton_ = nullptr;
    QProgressBar* progress_ = nullptr;
    QLabel* status_ = nullptr;

    std::shared_ptr<geo::KeyframeCache> cache_;
    quint64 runId_ = 0;
    QElapsedTimer runClock_;
    ImageSnapshotPtr pending_;
    QTimer drawTimer_, rerunTimer_;
    QElapsedTimer sinceDraw_;
    ImageRunResultPtr result_;

    ExportSlot exports_;
};
