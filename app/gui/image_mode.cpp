#include "image_mode.h"

#include <QAction>
#include <QApplication>
#include <QCheckBox>
#include <QClipboard>
#include <QComboBox>
#include <QDoubleSpinBox>
#include <QFileDialog>
#include <QFileInfo>
#include <QFormLayout>
#include <QLabel>
#include <QLineEdit>
#include <QMenu>
#include <QMessageBox>
#include <QMimeData>
#include <QProgressBar>
#include <QPushButton>
#include <QSettings>
#include <QSpinBox>
#include <QSplitter>
#include <QToolBar>
#include <QVBoxLayout>

#include "export_dialog.h"
#include "image_convert.h"
#include "image_views.h"
#include "keyframe_bar/keyframe_bar.h"
#include "latest_job.h"
#include "scenes/scene.h"

namespace {

constexpr int kMinDrawIntervalMs = 33;  // at most ~30 draws a second
constexpr int kRerunDelayMs = 400;      // an option change re-runs once the user pauses
const QString kImageFilter = "Images (*.png *.jpg *.jpeg *.bmp *.tif *.tiff *.webp *.ppm *.pgm);;All files (*)";

// Undo of keyframe edits: what the bar shows is a function of (ids in order); each command swaps orders.
class SetOrder : public QUndoCommand {
public:
    SetOrder(const QString& text, std::function<void(const QVector<quint64>&)> apply, QVector<quint64> before, QVector<quint64> after, bool done)
        : QUndoCommand(text), apply_(std::move(apply)), before_(std::move(before)), after_(std::move(after)), skip_(done) {}
    void undo() override { apply_(before_); }
    void redo() override {
        if (skip_) skip_ = false;
        else apply_(after_);
    }

private:
    std::function<void(const QVector<quint64>&)> apply_;
    QVector<quint64> before_, after_;
    bool skip_;
};

// The share of a run done, for the remaining-time estimate: inversion 10 %, solve 70 %, frames 20 %.
double runFraction(const ImageSnapshot& s) {
    const double part = s.total > 0 ? double(s.done) / s.total : 0;
    if (s.stage == "encode" || s.stage == "invert" || s.stage == "textual inversion") return 0.1 * part;
    if (s.stage == "solve" || s.stage == "shoot") return 0.1 + 0.7 * (s.pair + part) / std::max(1, s.pairs);
    return 0.8 + 0.2 * (s.stage == "measure" ? 1.0 : part);
}

}  // namespace

ImageMode::ImageMode(ModelService* service, QWidget* parent) : Mode(parent), service_(service), cache_(newKeyframeCache()) {
    qRegisterMetaType<ImageSnapshotPtr>();
    qRegisterMetaType<ImageRunResultPtr>();
    exporter_ = new LatestJobRunner;
    exporter_->moveToThread(&exportThread_);
    connect(&exportThread_, &QThread::finished, exporter_, &QObject::deleteLater);
    exportThread_.start();
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
    exportThread_.quit();
    exportThread_.wait();
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
    exportButton_ = new QPushButton("Export…");
    exportButton_->setEnabled(false);
    connect(runButton_, &QPushButton::clicked, this, [this] { run(); });
    connect(cancelButton_, &QPushButton::clicked, this, &ImageMode::cancel);
    connect(exportButton_, &QPushButton::clicked, this, &ImageMode::openExportDialog);
    what_ = new QComboBox;
    what_->addItems({"Interpolate the chain", "Extrapolate past the last", "Extrapolate before the first", "Extrapolate past both ends"});
    connect(what_, &QComboBox::currentIndexChanged, this, [this](int i) {
        extrapolationOptions_->setEnabled(i > 0);
        optionChanged();
    });
    toolbar->addAction(open);
    toolbar->addAction(scenes);
    toolbar->addAction(sample);
    toolbar->addAction(paste);
    toolbar->addSeparator();
    toolbar->addWidget(what_);
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
    connect(bar_, &widgets::KeyframeBar::changed, this, [this] {
        if (applying_) return;
        const QVector<quint64> now = bar_->order();
        if (now != order_) {  // a drag reordered them (or a prompt was edited: same order)
            undo_.push(new SetOrder("Reorder keyframes", [this](const QVector<quint64>& o) { applyOrder(o); }, order_, now, true));
            order_ = now;
        }
        optionChanged();
    });
    setStatus("Add two or more keyframes: Add images…, drop files here, paste, or Add scenes for an instant start.");
}

QWidget* ImageMode::buildOptions() {
    auto* box = new QWidget;
    auto* form = new QFormLayout(box);
    auto spin = [this](int lo, int hi, const QString& tip) {
        auto* s = new QSpinBox;
        s->setRange(lo, hi);
        s->setToolTip(tip);
        connect(s, &QSpinBox::valueChanged, this, &ImageMode::optionChanged);
        return s;
    };
    auto real = [this](double lo, double hi, double step, int decimals, const QString& tip) {
        auto* s = new QDoubleSpinBox;
        s->setRange(lo, hi);
        s->setSingleStep(step);
        s->setDecimals(decimals);
        s->setToolTip(tip);
        connect(s, &QDoubleSpinBox::valueChanged, this, &ImageMode::optionChanged);
        return s;
    };
    noise_ = real(0.05, 0.95, 0.05, 2, "The noise level τ* the path lives at (0.6: timestep 581 of 1000)");
    frames_ = spin(2, 129, "Frames between consecutive keyframes, both ends included");
    alpha_ = real(0.0001, 1, 0.005, 4, "α: how strongly the density pulls (∇log p ≈ α·score); larger bends further toward likely images");
    method_ = new QComboBox;
    method_->addItems({"implicit", "published"});
    method_->setToolTip("implicit: the curvature term taken implicitly (fewer evaluations, docs/image-geodesics.md); published: the paper's update");
    connect(method_, &QComboBox::currentIndexChanged, this, &ImageMode::optionChanged);
    iterations_ = spin(4, 4000, "Solver iterations in all (the published 400: 100 per bisection level)");
    seed_ = spin(0, 1 << 30, "Seed of the score's random draws (jitter) and of textual inversion");
    jitter_ = spin(0, 300, "Timestep jitter ρ of the score (0: deterministic; the published 100 for Stable Diffusion)");
    retime_ = new QCheckBox("Even steps (re-time by 1 − SSIM)");
    connect(retime_, &QCheckBox::toggled, this, &ImageMode::optionChanged);
    length_ = real(0.05, 4, 0.05, 2, "How far past the keyframe, in units of t (the pair spans 1)");
    extraFrames_ = spin(1, 64, "Frames on each extrapolated side");
    extrapolationOptions_ = new QWidget;
    auto* e = new QFormLayout(extrapolationOptions_);
    e->setContentsMargins(0, 0, 0, 0);
    e->addRow("Extrapolate by", length_);
    e->addRow("Frames past", extraFrames_);
    extrapolationOptions_->setEnabled(false);
    negative_ = new QLineEdit;
    negative_->setToolTip("Negative prompt of the score estimator");
    connect(negative_, &QLineEdit::editingFinished, this, &ImageMode::optionChanged);
    inversion_ = spin(0, 2000, "Textual inversion steps per keyframe (0: off; 500 published)");
    textOptions_ = new QWidget;
    auto* t = new QFormLayout(textOptions_);
    t->setContentsMargins(0, 0, 0, 0);
    t->addRow("Negative prompt", negative_);
    t->addRow("Textual inversion", inversion_);
    textOptions_->setVisible(false);
    auto* defaults = new QPushButton("Model defaults");
    connect(defaults, &QPushButton::clicked, this, [this] { if (service_->hasModel()) onModelLoaded(service_->current()); });
    form->addRow("Noise level", noise_);
    form->addRow("Frames per pair", frames_);
    form->addRow("α", alpha_);
    form->addRow("Solver", method_);
    form->addRow("Iterations", iterations_);
    form->addRow("Seed", seed_);
    form->addRow("Jitter", jitter_);
    form->addRow(retime_);
    form->addRow(extrapolationOptions_);
    form->addRow(textOptions_);
    form->addRow(defaults);
    setSettings(ImageRunSettings{});
    return box;
}

// ---- keyframes ----

quint64 ImageMode::store(Keyframe k) {
    const quint64 id = nextKeyframe_++;
    keyframes_[id] = std::move(k);
    return id;
}

void ImageMode::applyOrder(const QVector<quint64>& ids) {
    applying_ = true;
    for (quint64 id : bar_->order())
        if (!ids.contains(id)) bar_->removeKeyframe(id);
    for (int i = 0; i < ids.size(); ++i)
        if (!bar_->contains(ids[i])) {
            const Keyframe& k = keyframes_.at(ids[i]);
            bar_->addKeyframe(ids[i], k.preview, k.name, i);
        }
    bar_->setOrder(ids);
    order_ = ids;
    applying_ = false;
    optionChanged();
}

void ImageMode::pushOrder(const QString& what, const QVector<quint64>& ids) {
    undo_.push(new SetOrder(what, [this](const QVector<quint64>& o) { applyOrder(o); }, order_, ids, false));
}

int ImageMode::keyframeCount() const { return order_.size(); }

void ImageMode::addImage(const QImage& image, const QString& name, int row) {
    if (image.isNull()) return setStatus("The dropped or pasted data is not an image.", true);
    Keyframe k{name, {}, toRgbImage(image), image};
    QVector<quint64> ids = order_;
    ids.insert(row < 0 || row > ids.size() ? ids.size() : row, store(std::move(k)));
    pushOrder("Add " + name, ids);
}

bool ImageMode::addImageFiles(const QStringList& paths, int row) {
    QVector<quint64> ids = order_;
    int at = row < 0 || row > ids.size() ? ids.size() : row;
    QStringList failed, added;
    for (const QString& path : paths) {
        try {
            Keyframe k{QFileInfo(path).fileName(), path, geo::readImage(path.toStdString()), {}};
            k.preview = toQImage(k.image);
            ids.insert(at++, store(std::move(k)));
            added << path;
        } catch (const std::exception& e) {
            failed << QString::fromStdString(e.what());
        }
    }
    if (!added.isEmpty()) {
        pushOrder(added.size() == 1 ? "Add " + QFileInfo(added[0]).fileName() : QString("Add %1 images").arg(added.size()), ids);
        rememberFiles(added);
    }
    if (!failed.isEmpty()) setStatus("Not added: " + failed.join("; "), true);
    return failed.isEmpty();
}

void ImageMode::addScenes(int count) {
    const int size = service_->hasModel() ? service_->current().imageSize : 64;
    QVector<quint64> ids = order_;
    for (int i = 0; i < count; ++i) {
        const uint64_t seed = 1000 + static_cast<uint64_t>(scenesAdded_++);
        const geo::Scene scene = geo::randomScene(seed);
        Keyframe k{QString("scene %1").arg(seed), {}, geo::renderScene(scene, size), {}};
        k.preview = toQImage(k.image);
        ids << store(std::move(k));
    }
    pushOrder(QString("Add %1 scenes").arg(count), ids);
}

bool ImageMode::addSample() {
    if (!service_->hasModel()) {
        setStatus("Load a model first (Model ▸ Choose model…).", true);
        return false;
    }
    SampleRequest r;
    r.seed = sampleSeed_++;
    r.prompt = bar_->currentItem() ? bar_->prompt(bar_->order().value(bar_->currentRow())) : QString();
    setStatus(QString("Drawing a sample (seed %1)…").arg(r.seed));
    sampleId_ = service_->submit(ModelService::Slot::Sample, [r](const std::shared_ptr<geo::DiffusionModel>& model, const geo::SolveControl& control,
                                                                const ModelService::Reporter&) {
        if (!model) throw std::runtime_error("no model is loaded");
        return QVariant::fromValue(qMakePair(sampleImage(model, r, control, [](const QString&, int, int) {}), 0.0));
    });
    return true;
}

void ImageMode::removeKeyframe(quint64 id) {
    QVector<quint64> ids = order_;
    ids.removeAll(id);
    pushOrder("Remove " + keyframes_.at(id).name, ids);
}

void ImageMode::replaceKeyframe(quint64 id) {
    const QString path = QFileDialog::getOpenFileName(this, "Replace " + keyframes_.at(id).name, QSettings().value("images/folder").toString(), kImageFilter);
    if (path.isEmpty()) return;
    try {
        Keyframe k{QFileInfo(path).fileName(), path, geo::readImage(path.toStdString()), {}};
        k.preview = toQImage(k.image);
        QVector<quint64> ids = order_;
        ids.replace(ids.indexOf(id), store(std::move(k)));
        pushOrder("Replace " + keyframes_.at(id).name, ids);
        rememberFiles({path});
    } catch (const std::exception& e) {
        setStatus(QString::fromStdString(e.what()), true);
    }
}

void ImageMode::chooseFiles() {
    const QStringList paths = QFileDialog::getOpenFileNames(this, "Add images", QSettings().value("images/folder").toString(), kImageFilter);
    if (!paths.isEmpty()) addImageFiles(paths);
}

void ImageMode::pasteImage() {
    const QMimeData* m = QApplication::clipboard()->mimeData();
    if (m && m->hasUrls()) {
        QStringList paths;
        for (const QUrl& u : m->urls())
            if (u.isLocalFile()) paths << u.toLocalFile();
        if (!paths.isEmpty()) return void(addImageFiles(paths));
    }
    if (m && m->hasImage()) return addImage(qvariant_cast<QImage>(m->imageData()), "pasted image");
    setStatus("The clipboard holds no image.", true);
}

void ImageMode::rememberFiles(const QStringList& paths) {
    QSettings s;
    QStringList recent = s.value("images/recent").toStringList();
    for (const QString& p : paths) {
        recent.removeAll(p);
        recent.prepend(p);
    }
    s.setValue("images/recent", recent.mid(0, 12));
    s.setValue("images/folder", QFileInfo(paths.back()).absolutePath());
}

// ---- settings ----

ImageRunSettings ImageMode::settings() const {
    ImageRunSettings s;
    s.extrapolate = what_->currentIndex() > 0;
    s.past = QStringList{"last", "last", "first", "both"}[what_->currentIndex()];
    s.extrapolationLength = length_->value();
    s.extrapolationFrames = extraFrames_->value();
    s.noiseLevel = noise_->value();
    s.framesPerPair = frames_->value();
    s.alpha = alpha_->value();
    s.method = method_->currentText();
    s.jitter = jitter_->value();
    s.iterations = iterations_->value();
    s.seed = static_cast<quint64>(seed_->value());
    s.retime = retime_->isChecked();
    s.textualInversionSteps = inversion_->value();
    s.negative = negative_->text();
    s.ddimSteps = ddimSteps_;
    return s;
}

void ImageMode::setSettings(const ImageRunSettings& s) {
    applying_ = true;
    what_->setCurrentIndex(!s.extrapolate ? 0 : s.past == "first" ? 2 : s.past == "both" ? 3 : 1);
    length_->setValue(s.extrapolationLength);
    extraFrames_->setValue(s.extrapolationFrames);
    noise_->setValue(s.noiseLevel);
    frames_->setValue(s.framesPerPair);
    alpha_->setValue(s.alpha);
    method_->setCurrentText(s.method);
    jitter_->setValue(s.jitter);
    iterations_->setValue(s.iterations);
    seed_->setValue(static_cast<int>(s.seed));
    retime_->setChecked(s.retime);
    inversion_->setValue(s.textualInversionSteps);
    negative_->setText(s.negative);
    ddimSteps_ = s.ddimSteps;
    applying_ = false;
}

void ImageMode::onModelLoaded(const ModelInfo& info) {
    ImageRunSettings s = info.defaults;
    const ImageRunSettings now = settings();
    s.extrapolate = now.extrapolate;
    s.past = now.past;
    setSettings(s);
    textOptions_->setVisible(info.textConditioned);
    bar_->setPromptsEditable(info.textConditioned);
    cache_ = newKeyframeCache();  // latents of another model mean nothing to this one
    setStatus("Model: " + info.description + (keyframeCount() < 2 ? "\nAdd two or more keyframes and press Run." : ""));
}

void ImageMode::showEvent(QShowEvent* e) {
    Mode::showEvent(e);
    // The image mode needs a model; the toy modes never pay for loading one.
    if (!service_->hasModel() && !service_->isLoading()) {
        setStatus("Loading the model…");
        service_->load(QSettings().value("model/path").toString(), QSettings().value("model/device", "auto").toString(),
                       QSettings().value("model/dtype", "float32").toString());
    }
}

void ImageMode::optionChanged() {
    if (applying_) return;
    if (result_ || runId_) rerunTimer_.start();  // what is shown follows the options
}

// ---- running ----

bool ImageMode::run() {
    rerunTimer_.stop();
    const ImageRunSettings s = settings();
    if (keyframeCount() < 2) {
        setStatus("A path needs two or more keyframes (there " + QString(keyframeCount() == 1 ? "is one" : "are none") + ").", true);
        return false;
    }
    if (s.extrapolate && keyframeCount() != 2) {
        setStatus(QString("Extrapolation takes exactly two keyframes (there are %1).").arg(keyframeCount()), true);
        return false;
    }
    if (!service_->hasModel() && !service_->isLoading()) {
        setStatus("No model is loaded: Model ▸ Choose model…", true);
        return false;
    }
    ImageRunRequest r;
    r.settings = s;
    for (quint64 id : order_) {
        r.images.push_back(keyframes_.at(id).image);
        if (service_->current().textConditioned) r.prompts << bar_->prompt(id);
    }
    views_->startRun(s.extrapolate ? 1 : keyframeCount() - 1, s.extrapolate);
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
    exportButton_->setEnabled(result_ && !exporting_);
    if (!running) {
        progress_->setRange(0, 1000);
        progress_->setValue(result_ ? 1000 : 0);
        progress_->setFormat(result_ ? "Done" : "");
    }
}

bool ImageMode::isUpToDate() const { return !runId_ && !exporting_ && !rerunTimer_.isActive() && !pending_ && !service_->isLoading(); }

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
    const double f = std::clamp(runFraction(*s), 0.0, 1.0);
    const double elapsed = runClock_.elapsed() / 1000.0;
    QString text = s->stage == "solve" ? QString("Solving pair %1/%2 · level %3 · iteration %4/%5 · %6 evaluations")
                                             .arg(s->pair + 1)
                                             .arg(s->pairs)
                                             .arg(s->level)
                                             .arg(s->iteration)
                                             .arg(s->maxIterations)
                                             .arg(s->evaluations)
                                       : QString("%1 %2/%3").arg(s->stage[0].toUpper() + s->stage.mid(1)).arg(s->done).arg(s->total);
    text += QString(" · %1 s").arg(elapsed, 0, 'f', 1);
    if (f > 0.05) text += QString(", about %1 s left").arg(elapsed * (1 - f) / f, 0, 'f', 0);
    progress_->setValue(static_cast<int>(1000 * f));
    progress_->setFormat(text);
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
    setStatus(QString("Done in %1 s: %2 frames. The slerp is %3× as long as the geodesic in the density metric.")
                  .arg(result_->seconds, 0, 'f', 1)
                  .arg(result_->frames.size())
                  .arg(std::abs(result_->baselineLogLength - result_->pathLogLength) < 50 ? QString::number(std::exp(result_->baselineLogLength - result_->pathLogLength), 'g', 3)
                                                                                          : "e^" + QString::number(result_->baselineLogLength - result_->pathLogLength, 'f', 1)));
    Q_EMIT runFinished(true);
}

// ---- export ----

bool ImageMode::exportResult(const ImageExportRequest& request) {
    if (!result_) {
        setStatus("There is no finished path to export yet: press Run first.", true);
        return false;
    }
    if (exporting_) {
        setStatus("An export is still being written.", true);
        return false;
    }
    exporting_ = true;
    exportButton_->setEnabled(false);
    progress_->setRange(0, 0);  // busy: core writes the files in one go
    progress_->setFormat("Writing " + request.folder + "…");
    const std::shared_ptr<const geo::ImagePath> path = result_->path;
    exporter_->submit([this, path, request](const geo::SolveControl&) {
        QString message;
        bool ok = true;
        try {
            message = "Wrote " + exportImageRun(*path, request).join(", ");
        } catch (const std::exception& e) {
            ok = false;
            message = "Export failed (nothing was written): " + QString::fromStdString(e.what());
        }
        QMetaObject::invokeMethod(this, [this, ok, message] {
            exporting_ = false;
            setRunning(runId_ != 0);
            if (!runId_) progress_->setFormat(ok ? "Exported" : "Export failed");
            setStatus(message, !ok);
            Q_EMIT exportFinished(ok, message);
        }, Qt::QueuedConnection);
    }, false);
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
