#include "video_mode.h"

#include <QAction>
#include <QApplication>
#include <QDoubleSpinBox>
#include <QDragEnterEvent>
#include <QFileDialog>
#include <QFormLayout>
#include <QLabel>
#include <QLineEdit>
#include <QMimeData>
#include <QPointer>
#include <QProgressBar>
#include <QPushButton>
#include <QSettings>
#include <QSpinBox>
#include <QThread>
#include <QToolBar>
#include <QUndoCommand>
#include <QVBoxLayout>

#include "thread_handoff.h"
#include "video_views.h"

namespace {

constexpr int kRerunDelayMs = 400;
constexpr int kShippedImageSize = 64;  // frames are read at this size until a model says otherwise
const QString kVideoFilter = "Videos and path JSON (*.mp4 *.avi *.mov *.mkv *.webm *.gif *.json);;All files (*)";

class SetVideo : public QUndoCommand {
public:
    SetVideo(const QString& text, std::function<void(const VideoFrames&)> apply, VideoFrames before, VideoFrames after)
        : QUndoCommand(text), apply_(std::move(apply)), before_(std::move(before)), after_(std::move(after)) {}
    void undo() override { apply_(before_); }
    void redo() override { apply_(after_); }

private:
    std::function<void(const VideoFrames&)> apply_;
    VideoFrames before_, after_;
};

// The share of the run done, 0 … 1000, from the stage and its count.
int progressOf(const VideoSnapshot& s) {
    struct Span {
        geo::RunStage stage;
        double start, share;
    };
    using geo::RunStage;
    static const Span spans[] = {{RunStage::Encode, 0, 0.05}, {RunStage::Invert, 0.05, 0.3}, {RunStage::Optimise, 0.35, 0.4},
                                 {RunStage::Measure, 0.75, 0.1}, {RunStage::Decode, 0.85, 0.15}};
    for (const Span& span : spans)
        if (s.stage == span.stage) return int(1000 * (span.start + span.share * (s.total > 0 ? double(s.done) / s.total : 0)));
    return 0;
}

}  // namespace

VideoMode::VideoMode(ModelService* service, QWidget* parent) : Mode(parent), service_(service) {
    qRegisterMetaType<VideoSnapshot>();
    qRegisterMetaType<VideoAnalysisResultPtr>();
    setAcceptDrops(true);
    rerunTimer_.setSingleShot(true);
    rerunTimer_.setInterval(kRerunDelayMs);
    connect(&rerunTimer_, &QTimer::timeout, this, [this] { run(); });
    buildUi();
    connect(service_, &ModelService::loaded, this, [this](const ModelInfo& info) { textOptions_->setEnabled(info.textConditioned); });
    connect(service_, &ModelService::jobSnapshot, this, [this](ModelService::Slot slot, quint64 id, const QVariant& v) {
        if (slot == ModelService::Slot::VideoAnalysis && id == runId_) onSnapshot(v.value<VideoSnapshot>());
    });
    connect(service_, &ModelService::jobFinished, this, [this](ModelService::Slot slot, quint64 id, const QVariant& v, const QString& error, bool cancelled) {
        if (slot == ModelService::Slot::VideoAnalysis && id == runId_) onFinished(v, error, cancelled);
    });
    connect(service_, &ModelService::jobsCancelled, this, [this](const QString& message) {
        if (runId_) setStatus(message, true);
    });
    if (service_->hasModel()) textOptions_->setEnabled(service_->current().textConditioned);
}

VideoMode::~VideoMode() {
    if (runId_) service_->cancel(ModelService::Slot::VideoAnalysis);
}

void VideoMode::buildUi() {
    views_ = new VideoViews;
    auto action = [this](const QString& text, const QString& tip, auto slot) {
        auto* a = new QAction(text, this);
        a->setToolTip(tip);
        connect(a, &QAction::triggered, this, slot);
        return a;
    };
    QAction* openFile = action("Open video…", "A video file OpenCV reads, or the JSON of an exported path", [this] { chooseFile(); });
    QAction* openFolder = action("Open frame folder…", "A folder of frames, taken in name order", [this] { chooseFolder(); });
    QAction* scene = action("New scene video", "A 16-frame video of a generated scene with one object moving (the paper's setting)",
                            [this] { openSceneVideo(1000000000ULL + scenesMade_++); });
    QAction* exportAction = action("Export analysis…", "Write the frames, the strip, the residual plot and every number (JSON) into a folder",
                                   [this] { chooseExportFolder(); });
    fileActions_ = {openFile, openFolder, scene, exportAction};

    runButton_ = new QPushButton("Analyse");
    runButton_->setToolTip("Invert every frame, optimise a path from the video, and measure it beside perturbed, smoothed and slerp paths");
    runButton_->setShortcut(QKeySequence("Ctrl+R"));
    cancelButton_ = new QPushButton("Cancel");
    cancelButton_->setEnabled(false);
    cancelButton_->setShortcut(Qt::Key_Escape);
    exportButton_ = new QPushButton("Export…");
    exportButton_->setEnabled(false);
    connect(runButton_, &QPushButton::clicked, this, [this] { run(); });
    connect(cancelButton_, &QPushButton::clicked, this, &VideoMode::cancel);
    connect(exportButton_, &QPushButton::clicked, this, &VideoMode::chooseExportFolder);

    auto* toolbar = new QToolBar("Video");
    toolbar->addActions({openFile, openFolder, scene});
    toolbar->addSeparator();
    toolbar->addWidget(runButton_);
    toolbar->addWidget(cancelButton_);
    toolbar->addWidget(exportButton_);
    progress_ = new QProgressBar;
    progress_->setRange(0, 1000);
    progress_->setValue(0);
    progress_->setTextVisible(true);
    progress_->setFormat("Idle");
    status_ = new QLabel("Drop a video file or a folder of frames here, or make a scene video.");
    status_->setWordWrap(true);

    auto* side = buildOptions();
    auto* body = new QHBoxLayout;
    body->addWidget(views_, 1);
    body->addWidget(side);
    auto* layout = new QVBoxLayout(this);
    layout->addWidget(toolbar);
    layout->addLayout(body, 1);
    layout->addWidget(progress_);
    layout->addWidget(status_);
}

QWidget* VideoMode::buildOptions() {
    auto* box = new QWidget;
    box->setMaximumWidth(230);
    auto* column = new QVBoxLayout(box);
    auto* form = new QFormLayout;
    column->addLayout(form);
    noise_ = new QDoubleSpinBox;
    noise_->setRange(0.05, 0.95);
    noise_->setSingleStep(0.05);
    noise_->setValue(0.6);
    noise_->setToolTip("Where the frames' path lives, as a fraction of the DDIM grid (0.6 = timestep 581)");
    iterations_ = new QSpinBox;
    iterations_->setRange(1, 5000);
    iterations_->setValue(200);
    iterations_->setToolTip("Iteration budget of the optimisation from the video (§7: 200)");
    minIterations_ = new QSpinBox;
    minIterations_->setRange(0, 5000);
    minIterations_->setValue(50);
    minIterations_->setToolTip("Iterations before the stop rule 2·|term1| < |term2| is checked (0: the published behaviour, which "
                               "stops at once on every scene video tried)");
    seed_ = new QSpinBox;
    seed_->setRange(0, 1 << 30);
    seed_->setToolTip("Seed of the optimisation's choice of frames and of the perturbations");
    prompt_ = new QLineEdit;
    prompt_->setPlaceholderText("the one prompt of every frame");
    textOptions_ = new QWidget;
    auto* tl = new QFormLayout(textOptions_);
    tl->setContentsMargins(0, 0, 0, 0);
    tl->addRow("Prompt", prompt_);
    inversion_ = new QSpinBox;
    inversion_->setRange(0, 5000);
    inversion_->setSpecialValueText("off");
    inversion_->setToolTip("Steps of textual inversion over all frames together before inverting them (§7; published 500; cached on disk)");
    tl->addRow("Textual inversion", inversion_);
    textOptions_->setEnabled(false);
    form->addRow("Noise level", noise_);
    form->addRow("Iterations", iterations_);
    form->addRow("Stop rule after", minIterations_);
    form->addRow("Seed", seed_);
    form->addRow(textOptions_);
    auto* help = new QLabel("The video's path through its inverted frames is a geodesic when its Euler–Lagrange residual |r| is near 0, "
                            "about as low as the path optimised from it, and perturbing it raises the residual.");
    help->setWordWrap(true);
    help->setStyleSheet("color: #555;");
    column->addWidget(help);
    column->addStretch(1);
    for (QSpinBox* s : {iterations_, minIterations_, seed_, inversion_}) connect(s, &QSpinBox::valueChanged, this, &VideoMode::optionChanged);
    connect(noise_, &QDoubleSpinBox::valueChanged, this, &VideoMode::optionChanged);
    connect(prompt_, &QLineEdit::editingFinished, this, &VideoMode::optionChanged);
    return box;
}

int VideoMode::readSize() const { return service_->hasModel() ? service_->current().imageSize : kShippedImageSize; }

void VideoMode::read(const QString& what, std::function<VideoFrames()> reader) {
    ++reading_;
    setStatus("Reading " + what + "…");
    startPoolTask([this, what, reader = std::move(reader), alive = QPointer<VideoMode>(this)] {
        VideoFrames v;
        QString error;
        try {
            v = reader();
        } catch (const std::exception& e) {
            error = QString::fromStdString(e.what());
        }
        queueOn(qApp, [this, alive, v = std::move(v), error, what] {
            if (!alive) return;
            --reading_;
            if (!error.isEmpty()) {
                setStatus("Could not open " + what + ": " + error, true);
                return Q_EMIT videoOpened(false, error);
            }
            undo_.push(new SetVideo("Open " + v.name, [this](const VideoFrames& f) { showVideo(f); }, video_, v));
            const QString message = QString("Opened %1: %2 frames.").arg(v.name).arg(v.images.size()) + (v.warnings.isEmpty() ? "" : " " + v.warnings.join(" "));
            setStatus(message);
            Q_EMIT videoOpened(true, message);
        });
    });
}

void VideoMode::openVideo(const QString& path) {
    const int size = readSize();
    QSettings().setValue("video/lastPath", path);
    read(path, [path, size] { return readVideoFrames(path, size); });
}

void VideoMode::openSceneVideo(quint64 seed, int frames) {
    const int size = readSize();
    read(QString("scene video %1").arg(seed), [seed, frames, size] { return sceneVideoFrames(seed, frames, size); });
}

void VideoMode::showVideo(const VideoFrames& v) {
    if (runId_) cancel();
    rerunTimer_.stop();
    video_ = v;
    result_.reset();
    views_->showVideo(v);
    exportButton_->setEnabled(false);
    progress_->setValue(0);
    progress_->setFormat(v.images.isEmpty() ? "Idle" : "Ready");
}

void VideoMode::chooseFile() {
    const QString start = QSettings().value("video/lastPath").toString();
    const QString file = QFileDialog::getOpenFileName(this, "Open a video", start, kVideoFilter);
    if (!file.isEmpty()) openVideo(file);
}

void VideoMode::chooseFolder() {
    const QString folder = QFileDialog::getExistingDirectory(this, "Open a folder of frames", QSettings().value("video/lastPath").toString());
    if (!folder.isEmpty()) openVideo(folder);
}

void VideoMode::dragEnterEvent(QDragEnterEvent* e) {
    if (e->mimeData()->hasUrls()) e->acceptProposedAction();
}

void VideoMode::dropEvent(QDropEvent* e) {
    const QList<QUrl> urls = e->mimeData()->urls();
    if (urls.isEmpty() || !urls.front().isLocalFile()) return;
    if (urls.size() > 1) setStatus("Drop one video file or one folder of frames (the first is opened).", true);
    openVideo(urls.front().toLocalFile());
    e->acceptProposedAction();
}

VideoAnalysisSettings VideoMode::settings() const {
    return {noise_->value(), iterations_->value(), minIterations_->value(), quint64(seed_->value()), prompt_->text(), inversion_->value()};
}

void VideoMode::setSettings(const VideoAnalysisSettings& s) {
    noise_->setValue(s.noiseLevel);
    iterations_->setValue(s.iterations);
    minIterations_->setValue(s.minIterations);
    seed_->setValue(int(s.seed));
    prompt_->setText(s.prompt);
    inversion_->setValue(s.textualInversionSteps);
}

bool VideoMode::run() {
    rerunTimer_.stop();
    if (!video_.frames) {
        setStatus("Open a video first: a video file, a folder of frames, or New scene video.", true);
        return false;
    }
    if (!service_->hasModel() && !service_->isLoading()) service_->load({});  // the shipped model
    views_->clearResult();
    runId_ = service_->submit(ModelService::Slot::VideoAnalysis, videoAnalysisJob({video_, settings()}));
    setRunning(true);
    progress_->setValue(0);
    progress_->setFormat("Starting…");
    setStatus("Analysing " + video_.name + "…");
    return true;
}

void VideoMode::cancel() {
    if (!runId_) return;
    service_->cancel(ModelService::Slot::VideoAnalysis);
    runId_ = 0;
    setRunning(false);
    progress_->setFormat("Cancelled");
    if (result_) views_->showResult(*result_);
    setStatus(result_ ? "Cancelled: the last complete analysis is shown." : "Cancelled.");
    Q_EMIT runFinished(false);
}

void VideoMode::onSnapshot(const VideoSnapshot& s) {
    progress_->setValue(progressOf(s));
    QString text = QString::fromStdString(geo::stageName(s.stage));
    if (s.stage == geo::RunStage::Optimise) text = QString("optimise: iteration %1 of at most %2, mean ratio %3").arg(s.iteration).arg(s.total).arg(s.meanRatio, 0, 'f', 3);
    else if (s.total > 0) text += QString(" %1/%2").arg(s.done).arg(s.total);
    progress_->setFormat(text + QString(" · %1 s").arg(s.seconds, 0, 'f', 1));
    views_->showProgress(s);
}

void VideoMode::onFinished(const QVariant& value, const QString& error, bool cancelled) {
    runId_ = 0;
    setRunning(false);
    if (cancelled) {
        progress_->setFormat("Cancelled");
        return Q_EMIT runFinished(false);
    }
    if (!error.isEmpty()) {
        progress_->setFormat("Failed");
        setStatus("The analysis failed: " + error, true);
        if (result_) views_->showResult(*result_);
        return Q_EMIT runFinished(false);
    }
    result_ = value.value<VideoAnalysisResultPtr>();
    views_->showResult(*result_);
    exportButton_->setEnabled(true);
    progress_->setValue(1000);
    progress_->setFormat(QString("Done in %1 s").arg(result_->seconds, 0, 'f', 1));
    setStatus(result_->verdict);
    Q_EMIT runFinished(true);
}

void VideoMode::optionChanged() {
    if (result_ || runId_) rerunTimer_.start();  // a shown analysis follows its options
}

bool VideoMode::isUpToDate() const { return !runId_ && !reading_ && !exports_.isBusy() && !rerunTimer_.isActive(); }

bool VideoMode::exportResult(const QString& folder) {
    if (!result_) {
        setStatus("There is no finished analysis to export yet: press Analyse first.", true);
        return false;
    }
    const bool started = exports_.start(this, [result = result_, folder] { return exportVideoAnalysisRun(*result, folder); }, [this](bool ok, const QString& message) {
        exportButton_->setEnabled(result_ && !runId_);
        setStatus(message, !ok);
        Q_EMIT exportFinished(ok, message);
    });
    if (!started) {
        setStatus("An export is still being written.", true);
        return false;
    }
    exportButton_->setEnabled(false);
    return true;
}

void VideoMode::chooseExportFolder() {
    if (!result_) return setStatus("There is no finished analysis to export yet: press Analyse first.", true);
    const QString folder = QFileDialog::getExistingDirectory(this, "Export the analysis into", QSettings().value("video/exportFolder").toString());
    if (folder.isEmpty()) return;
    QSettings().setValue("video/exportFolder", folder);
    exportResult(folder);
}

QString VideoMode::statusText() const { return status_->text(); }

void VideoMode::setStatus(const QString& text, bool error) {
    status_->setText(text);
    status_->setStyleSheet(error ? "color: #b00020;" : "");
}

void VideoMode::setRunning(bool running) {
    runButton_->setEnabled(!running);
    cancelButton_->setEnabled(running);
    exportButton_->setEnabled(!running && result_ && !exports_.isBusy());
}
