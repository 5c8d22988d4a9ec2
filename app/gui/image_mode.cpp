#include "image_mode.h"

#include <QAction>
#include <QComboBox>
#include <QLabel>
#include <QMenu>
#include <QProgressBar>
#include <QPushButton>
#include <QSettings>
#include <QSplitter>
#include <QToolBar>
#include <QVBoxLayout>

#include "export_dialog.h"
#include "image_views.h"
#include "keyframe_bar/keyframe_bar.h"
#include "presentation/number_text.h"

namespace {

constexpr int kMinDrawIntervalMs = 33;  // at most ~30 draws a second
constexpr int kRerunDelayMs = 400;      // an option change re-runs once the user pauses
}  // namespace

ImageMode::ImageMode(ModelService* service, QWidget* parent) : Mode(parent), service_(service), cache_(newKeyframeCache()) {
    qRegisterMetaType<ImageSnapshotPtr>();
    qRegisterMetaType<ImageRunResultPtr>();
    drawTimer_.setSingleShot(true);
    connect(&drawTimer_, &QTimer::timeout, this, &ImageMode::drawPending);
    rerunTimer_.setSingleShot(true);
    rerunTimer_.setInterval(kRerunDelayMs);
    connect(&rerunTimer_, &QTimer::timeout, this, [this] { run(); });
    sinceDraw_.start();
    buildUi();
    connect(service_, &ModelService::loaded, this, &ImageMode::onModelLoaded);
    connect(service_, &ModelService::loadFailed, this, [this](const QString& path, const QString& why) {
        setStatus("Could not load " + (path.isEmpty() ? QString("the shipped model") : path) + ": " + why, true);
    });
    connect(service_, &ModelService::jobsCancelled, this, [this](const QString& message) { setStatus(message, true); });
    connect(service_, &ModelService::jobSnapshot, this, [this](ModelService::Slot slot, quint64 id, const QVariant& v) {
        if (slot == ModelService::Slot::ImagePath && id == runId_) onSnapshot(v.value<ImageSnapshotPtr>());
    });
    connect(service_, &ModelService::jobFinished, this, [this](ModelService::Slot slot, quint64 id, const QVariant& v, const QString& error, bool cancelled) {
        if (slot == ModelService::Slot::ImagePath && id == runId_) onFinished(v, error, cancelled);
        if (slot == ModelService::Slot::Sample && id == sampleId_) {
            sampleId_ = 0;
            if (!error.isEmpty()) return setStatus("Sampling failed: " + error, true);
            if (!cancelled) addImage(v.value<QPair<QImage, double>>().first, QString("sample, seed %1").arg(sampleSeed_ - 1));
        }
    });
    if (service_->hasModel()) onModelLoaded(service_->current());
}

ImageMode::~ImageMode() {
    if (runId_) service_->cancel(ModelService::Slot::ImagePath);
}

void ImageMode::buildUi() {
    bar_ = new widgets::KeyframeBar;
    views_ = new ImageViews;
    auto* toolbar = new QToolBar("Images");
    auto action = [this](const QString& text, const QString& tip, auto slot) {
        auto* a = new QAction(text, this);
        a->setToolTip(tip);
        connect(a, &QAction::triggered, this, slot);
        return a;
    };
    QAction* open = action("Add images…", "Add image files of any size or format (each is centre-cropped to a square)", [this] { chooseFiles(); });
    open->setShortcut(QKeySequence::Open);
    QAction* scenes = action("Add scenes", "Two new scenes from the shipped model's scene generator", [this] { addScenes(2); });
    QAction* sample = action("Add a sample", "Draw a new image from the loaded model", [this] { addSample(); });
    QAction* paste = action("Paste", "Add the image (or image files) on the clipboard", [this] { pasteImage(); });
    paste->setShortcut(QKeySequence::Paste);
    QAction* exportAction = action("Export…", "Write the frames, the strip, a GIF or MP4 and the numbers", [this] { openExportDialog(); });
    exportAction->setShortcut(QKeySequence("Ctrl+E"));
    auto* recent = new QAction("Recent images", this);
    auto* recentMenu = new QMenu(this);
    recent->setMenu(recentMenu);
    connect(recentMenu, &QMenu::aboutToShow, this, [this, recentMenu] {
        recentMenu->clear();
        for (const QString& path : QSettings().value("images/recent").toStringList())
            recentMenu->addAction(path, this, [this, path] { addImageFiles({path}); });
        if (recentMenu->isEmpty()) recentMenu->addAction("(none yet)")->setEnabled(false);
    });
    fileActions_ = {open, recent, paste, exportAction};
    runButton_ = new QPushButton("Run");
    runButton_->setDefault(true);
    runButton_->setShortcut(QKeySequence("Ctrl+R"));
    cancelButton_ = new QPushButton("Cancel");
    cancelButton_->setEnabled(false);
    cancelButton_->setShortcut(Qt::Key_Escape);
    exportButton_ = new QPushButton("Export…");
    exportButton_->setEnabled(false);
    connect(runButton_, &QPushButton::clicked, this, [this] { run(); });
    connect(cancelButton_, &QPushButton::clicked, this, &ImageMode::cancel);
    connect(exportButton_, &QPushButton::clicked, this, &ImageMode::openExportDialog);
    what_ = new QComboBox;
    what_->addItems({"Interpolate the chain", "Extrapolate past the last", "Extrapolate before the first", "Extrapolate past both ends"});
    geometry_ = new QComboBox;
    geometry_->addItem("Density geodesic", "density");
    geometry_->addItem("Spacetime geodesic", "spacetime");
    geometry_->addItem("Both geometries", "both");
    geometry_->setToolTip("Density: the path of likely images in |v|/p(x). Spacetime: the Fisher–Rao geodesic through noise levels "
                          "(its length is the Diffusion Edit Distance). Both: their strips above the slerp's.");
    connect(geometry_, &QComboBox::currentIndexChanged, this, [this] {
        spacetimeOptions_->setEnabled(geometry_->currentData() != "density");
        optionChanged();
    });
    connect(what_, &QComboBox::currentIndexChanged, this, [this](int i) {
        extrapolationOptions_->setEnabled(i > 0);
        // A spacetime geodesic joins two images: extrapolation is the density geodesic's alone.
        if (i > 0) geometry_->setCurrentIndex(0);
        geometry_->setEnabled(i == 0);
        optionChanged();
    });
    toolbar->addAction(open);
    toolbar->addAction(scenes);
    toolbar->addAction(sample);
    toolbar->addAction(paste);
    toolbar->addSeparator();
    toolbar->addWidget(what_);
    toolbar->addWidget(geometry_);
    toolbar->addWidget(runButton_);
    toolbar->addWidget(cancelButton_);
    toolbar->addSeparator();
    toolbar->addWidget(exportButton_);

    progress_ = new QProgressBar;
    progress_->setRange(0, 1000);
    progress_->setTextVisible(true);
    progress_->setFormat("");
    progress_->setValue(0);
    status_ = new QLabel;
    status_->setWordWrap(true);
    status_->setTextInteractionFlags(Qt::TextSelectableByMouse);

    auto* split = new QSplitter;
    split->addWidget(buildOptions());
    split->addWidget(views_);
    split->setStretchFactor(1, 1);
    split->setSizes({250, 1050});
    auto* page = new QVBoxLayout(this);
    page->setContentsMargins(4, 0, 4, 4);
    page->addWidget(toolbar);
    page->addWidget(bar_);
    page->addWidget(split, 1);
    page->addWidget(progress_);
    page->addWidget(status_);

    connect(bar_, &widgets::KeyframeBar::filesDropped, this, [this](const QStringList& paths, int row) { addImageFiles(paths, row); });
    connect(bar_, &widgets::KeyframeBar::imageDropped, this, [this](const QImage& image, int row) { addImage(image, "dropped image", row); });
    connect(bar_, &widgets::KeyframeBar::removeRequested, this, &ImageMode::removeKeyframe);
    connect(bar_, &widgets::KeyframeBar::replaceRequested, this, &ImageMode::replaceKeyframe);
    connect(bar_, &widgets::KeyframeBar::changed, this, &ImageMode::keyframesChanged);
    setStatus("Add two or more keyframes: Add images…, drop files here, paste, or Add scenes for an instant start.");
}

// ---- running ----

bool ImageMode::run() {
    rerunTimer_.stop();
    ImageRunRequest r;
    r.options = settings();
    const geo::ImageRunOptions& o = r.options;
    if (keyframeCount() < 2) {
        setStatus("A path needs two or more keyframes (there " + QString(keyframeCount() == 1 ? "is one" : "are none") + ").", true);
        return false;
    }
    if (o.extrapolate && keyframeCount() != 2) {
        setStatus(QString("Extrapolation takes exactly two keyframes (there are %1).").arg(keyframeCount()), true);
        return false;
    }
    if (!service_->hasModel() && !service_->isLoading()) {
        setStatus("No model is loaded: Model ▸ Choose model…", true);
        return false;
    }
    const bool text = service_->current().textConditioned;
    if (!text) r.options.density.negative.clear();
    for (quint64 id : order_) {
        r.images.push_back(keyframes_.at(id).image);
        r.options.keyframeNames.push_back((keyframes_.at(id).path.isEmpty() ? keyframes_.at(id).name : keyframes_.at(id).path).toStdString());
        if (text) r.options.density.prompts.push_back(bar_->prompt(id).toStdString());
    }
    views_->startRun(o.extrapolate ? 1 : keyframeCount() - 1, o.extrapolate, o.geometry, o.density.framesPerPair);
    pending_.reset();
    runClock_.start();
    runId_ = service_->submit(ModelService::Slot::ImagePath, imageRunJob(std::move(r), cache_));  // replaces a run in progress
    setRunning(true);
    setStatus(QString("Running on %1 keyframes…").arg(keyframeCount()));
    return true;
}

void ImageMode::cancel() {
    if (!runId_) return;
    service_->cancel(ModelService::Slot::ImagePath);
    // The GUI is free at once; the worker stops at its next check (well under a tenth of a second).
    runId_ = 0;
    pending_.reset();
    setRunning(false);
    if (result_) views_->showResult(*result_);
    else views_->clear();
    setStatus(result_ ? "Cancelled; showing the last complete result." : "Cancelled.");
    Q_EMIT runFinished(false);
}

void ImageMode::setRunning(bool running) {
    cancelButton_->setEnabled(running);
    exportButton_->setEnabled(result_ && !exports_.isBusy());
    if (!running) {
        progress_->setRange(0, 1000);
        progress_->setValue(result_ ? 1000 : 0);
        progress_->setFormat(result_ ? "Done" : "");
    }
}

bool ImageMode::isUpToDate() const {
    return !runId_ && !exports_.isBusy() && !reading_ && !rerunTimer_.isActive() && !pending_ && !service_->isLoading();
}

void ImageMode::onSnapshot(const ImageSnapshotPtr& s) {
    if (!s) return;
    if (pending_ && pending_->previewPair >= 0) {
        if (s->previewPair < 0) return;  // keep an undrawn preview; the next timer tick draws it
        drawPending();                   // previews are rare (one per level, or a second): none is dropped
    }
    pending_ = s;
    if (!drawTimer_.isActive()) drawTimer_.start(std::max<qint64>(0, kMinDrawIntervalMs - sinceDraw_.elapsed()));
}

void ImageMode::drawPending() {
    if (!pending_ || !runId_) return;
    const ImageSnapshotPtr s = std::move(pending_);
    pending_.reset();
    sinceDraw_.restart();
    views_->showSnapshot(*s);
    const double f = std::clamp(s->fraction, 0.0, 1.0);
    const double elapsed = runClock_.elapsed() / 1000.0;
    QString text = s->stage == geo::RunStage::Solve ? QString("Solving pair %1/%2 · level %3 · iteration %4/%5 · %6 evaluations")
                                             .arg(s->pair + 1)
                                             .arg(s->pairs)
                                             .arg(s->level)
                                             .arg(s->iteration)
                                             .arg(s->maxIterations)
                                             .arg(s->evaluations)
                   : s->stage == geo::RunStage::Spacetime ? QString("Spacetime geodesic, pair %1/%2 · step %3 of at most %4 · energy %5")
                                                   .arg(s->pair + 1)
                                                   .arg(s->pairs)
                                                   .arg(s->done)
                                                   .arg(std::max(0, s->total - 1))
                                                   .arg(s->spacetimeEnergy, 0, 'g', 4)
                                             : QString("%1 %2/%3").arg(stageTitle(s->stage)).arg(s->done).arg(s->total);
    text += QString(" · %1 s").arg(elapsed, 0, 'f', 1);
    if (!s->timeLeft.isEmpty()) text += " · " + s->timeLeft;
    else if (f > 0.05) text += QString(", about %1 s left").arg(elapsed * (1 - f) / f, 0, 'f', 0);
    progress_->setValue(static_cast<int>(1000 * f));
    progress_->setFormat(text);
    if (s->previewPair >= 0) Q_EMIT previewDrawn(s->previewPair, s->level);
}

void ImageMode::onFinished(const QVariant& result, const QString& error, bool cancelled) {
    runId_ = 0;
    pending_.reset();
    drawTimer_.stop();
    if (cancelled) {
        setRunning(false);
        return;  // cancel() has said so already, or a load did (jobsCancelled)
    }
    if (!error.isEmpty()) {
        setRunning(false);
        if (result_) views_->showResult(*result_);
        setStatus("The run failed: " + error + (result_ ? "\nShowing the last complete result." : ""), true);
        Q_EMIT runFinished(false);
        return;
    }
    result_ = result.value<ImageRunResultPtr>();
    views_->showResult(*result_);
    setRunning(false);
    QString done = QString("Done in %1 s.").arg(result_->seconds, 0, 'f', 1);
    if (result_->path)
        done += QString(" The slerp is %1× as long as the density geodesic in the density metric.")
                    .arg(widgets::logRatioText(result_->baselineLogLength, result_->pathLogLength));
    if (result_->spacetime)
        done += QString(" Diffusion Edit Distance %1; the spacetime geodesic reaches λ = %2 (the keyframes sit at λ = %3).")
                    .arg(result_->spacetime->editDistance, 0, 'g', 4)
                    .arg(result_->spacetime->lambdaMin, 0, 'f', 2)
                    .arg(result_->spacetime->lambdaEnd, 0, 'f', 2);
    setStatus(done);
    Q_EMIT runFinished(true);
}

// ---- export ----

bool ImageMode::exportResult(const ImageExportRequest& request) {
    if (!result_) {
        setStatus("There is no finished path to export yet: press Run first.", true);
        return false;
    }
    const bool started = exports_.start(this, [result = result_, request] { return exportImageRun(*result, request); }, [this](bool ok, const QString& message) {
        setRunning(runId_ != 0);
        if (!runId_) progress_->setFormat(ok ? "Exported" : "Export failed");
        setStatus(message, !ok);
        Q_EMIT exportFinished(ok, message);
    });
    if (!started) {
        setStatus("An export is still being written.", true);
        return false;
    }
    exportButton_->setEnabled(false);
    progress_->setRange(0, 0);  // busy: core writes the files in one go
    progress_->setFormat("Writing " + request.folder + "…");
    return true;
}

void ImageMode::openExportDialog() {
    if (!result_) return setStatus("There is no finished path to export yet: press Run first.", true);
    ExportDialog dialog(this);
    if (dialog.exec() != QDialog::Accepted) return;
    dialog.remember();
    exportResult(dialog.request());
}

QString ImageMode::statusText() const { return status_->text(); }

void ImageMode::setStatus(const QString& text, bool error) {
    status_->setText(text);
    status_->setStyleSheet(error ? "color: #b00020;" : "");
}
