#include "model_panel.h"

#include <QComboBox>
#include <QElapsedTimer>
#include <QDoubleSpinBox>
#include <QFileDialog>
#include <QFileInfo>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QProgressBar>
#include <QPushButton>
#include <QSpinBox>
#include <QVBoxLayout>

namespace {
constexpr int kShipped = 0, kFolder = 1, kFile = 2;  // fixed entries of the source box; chosen paths follow
}

ModelPanel::ModelPanel(ModelService* service, QWidget* parent) : QWidget(parent), service_(service) {
    source_ = new QComboBox();
    source_->addItems({"Shipped model (scenes64)", "Stable Diffusion folder…", "Stable Diffusion .safetensors file…"});
    source_->setToolTip("The shipped model, or Stable Diffusion 1.x/2.x weights of your own: a diffusers folder or a single-file checkpoint");
    device_ = new QComboBox();
    device_->addItems({"auto", "cpu", "cuda"});
    dtype_ = new QComboBox();
    dtype_->addItems({"auto", "float32", "bfloat16", "float16"});
    dtype_->setToolTip("float16 needs a CUDA device");
    loadButton_ = new QPushButton("Load");
    status_ = new QLabel("No model loaded");
    status_->setWordWrap(true);
    status_->setTextInteractionFlags(Qt::TextSelectableByMouse);
    running_ = new QLabel();
    progress_ = new QProgressBar();
    progress_->setVisible(false);

    prompt_ = new QLineEdit("a photograph of an astronaut riding a horse");
    negative_ = new QLineEdit();
    negative_->setPlaceholderText("what guidance steers away from");
    guidance_ = new QDoubleSpinBox();
    guidance_->setRange(0, 30);
    guidance_->setSingleStep(0.5);
    guidance_->setValue(7.5);
    textBox_ = new QWidget();
    auto* text = new QFormLayout(textBox_);
    text->setContentsMargins(0, 0, 0, 0);
    text->addRow("Prompt", prompt_);
    text->addRow("Negative", negative_);
    text->addRow("Guidance", guidance_);
    textBox_->setVisible(false);

    seed_ = new QSpinBox();
    seed_->setRange(0, 1 << 30);
    steps_ = new QSpinBox();
    steps_->setRange(1, 1000);
    steps_->setValue(25);
    sampleButton_ = new QPushButton("Sample");
    sampleButton_->setEnabled(false);
    image_ = new QLabel();
    image_->setMinimumSize(128, 128);
    image_->setAlignment(Qt::AlignCenter);

    auto* form = new QFormLayout();
    form->addRow("Model", source_);
    auto* compute = new QHBoxLayout();
    compute->addWidget(device_);
    compute->addWidget(dtype_);
    compute->addWidget(loadButton_);
    form->addRow("Run on", compute);
    auto* sampling = new QHBoxLayout();
    sampling->addWidget(new QLabel("Seed"));
    sampling->addWidget(seed_);
    sampling->addWidget(new QLabel("Steps"));
    sampling->addWidget(steps_);
    sampling->addWidget(sampleButton_);
    auto* layout = new QVBoxLayout(this);
    layout->addLayout(form);
    layout->addWidget(status_);
    layout->addWidget(running_);
    layout->addWidget(progress_);
    layout->addWidget(textBox_);
    layout->addLayout(sampling);
    layout->addWidget(image_, 1);

    connect(source_, &QComboBox::activated, this, &ModelPanel::chooseSource);
    connect(loadButton_, &QPushButton::clicked, this, [this] {
        const int i = source_->currentIndex();
        loadModel(i == kShipped ? QString() : source_->currentData().toString(), device_->currentText(), dtype_->currentText());
    });
    connect(sampleButton_, &QPushButton::clicked, this, [this] { sample(); });
    auto showProgress = [this](const QString& what, int done, int total) {
        progress_->setRange(0, total);
        progress_->setValue(done);
        progress_->setFormat(what + (total ? " %v/%m" : ""));
        progress_->setTextVisible(true);
    };
    // Loads may come from elsewhere in the window (the command line, the image mode): show them all.
    connect(service_, &ModelService::loadProgress, this, [this, showProgress](const QString& what, int done, int total) {
        if (!busy_) setBusy(true, "Loading…");
        showProgress(what, done, total);
    });
    connect(service_, &ModelService::jobProgress, this, [this, showProgress](ModelService::Slot slot, quint64 id, const QString& what, int done, int total) {
        if (slot == ModelService::Slot::Sample && id == sampleId_) showProgress(what, done, total);
    });
    connect(service_, &ModelService::loaded, this, [this](const ModelInfo& info) {
        textBox_->setVisible(info.textConditioned);
        running_->setText("Running on <b>" + info.device + "</b> in <b>" + info.dtype + "</b><br>" + info.machine.toHtmlEscaped());
        int i = info.path.isEmpty() ? kShipped : source_->findData(info.path);
        if (i < 0) {  // loaded from elsewhere (the last session's model, the command line)
            source_->addItem(QFileInfo(info.path).fileName(), info.path);
            i = source_->count() - 1;
        }
        source_->setCurrentIndex(i);
        if (!service_->isLoading()) finish(info.description, false);
        Q_EMIT modelChanged(info);
    });
    connect(service_, &ModelService::loadFailed, this, [this](const QString& path, const QString& why) {
        const QString kept = current().description.isEmpty() ? "No model is loaded." : "Still using " + current().description + ".";
        finish("Could not load " + (path.isEmpty() ? "the shipped model" : path) + ": " + why + "\n" + kept, true);
    });
    connect(service_, &ModelService::jobFinished, this, [this](ModelService::Slot slot, quint64 id, const QVariant& result, const QString& error, bool cancelled) {
        if (slot != ModelService::Slot::Sample || id != sampleId_) return;
        sampleId_ = 0;
        if (cancelled) return finish(current().description + "\nSampling cancelled", true);
        if (!error.isEmpty()) return finish(current().description + "\nSampling failed: " + error, true);
        const auto [image, seconds] = result.value<QPair<QImage, double>>();
        preview_ = image;
        image_->setPixmap(QPixmap::fromImage(image.scaled(256, 256, Qt::KeepAspectRatio, image.width() < 256 ? Qt::FastTransformation : Qt::SmoothTransformation)));
        finish(current().description + QString("\nSample: %1×%2 in %3 s").arg(image.width()).arg(image.height()).arg(seconds, 0, 'f', 1), false);
    });
}

ModelPanel::~ModelPanel() {
    if (sampleId_) service_->cancel(ModelService::Slot::Sample);
}

void ModelPanel::chooseSource(int index) {
    QString path;
    if (index == kFolder) path = QFileDialog::getExistingDirectory(this, "Stable Diffusion folder (model_index.json, unet/, vae/, text_encoder/)");
    if (index == kFile) path = QFileDialog::getOpenFileName(this, "Stable Diffusion checkpoint", {}, "Safetensors (*.safetensors);;All files (*)");
    if (index != kFolder && index != kFile) return;
    if (path.isEmpty()) {
        source_->setCurrentIndex(kShipped);
        return;
    }
    loadModel(path, device_->currentText(), dtype_->currentText());
}

void ModelPanel::loadModel(const QString& path, const QString& device, const QString& dtype) {
    if (path.isEmpty()) {
        source_->setCurrentIndex(kShipped);
    } else {
        int i = source_->findData(path);
        if (i < 0) {
            source_->addItem(QFileInfo(path).fileName(), path);
            i = source_->count() - 1;
        }
        source_->setCurrentIndex(i);
    }
    device_->setCurrentText(device);
    dtype_->setCurrentText(dtype);
    setBusy(true, "Loading " + (path.isEmpty() ? QString("the shipped model") : path) + " …");
    service_->load(path, device, dtype);
}

bool ModelPanel::sample() {
    // One job at a time: a sample must not displace a load still waiting to run.
    if (busy_ || current().description.isEmpty()) return false;
    SampleRequest r;
    r.prompt = prompt_->text();
    r.negative = negative_->text();
    r.guidance = guidance_->value();
    r.seed = static_cast<quint64>(seed_->value());
    r.steps = steps_->value();
    setBusy(true, current().description + "\nSampling…");
    sampleId_ = service_->submit(ModelService::Slot::Sample, [r](const std::shared_ptr<geo::DiffusionModel>& model, const geo::SolveControl& control,
                                                                 const ModelService::Reporter& report) {
        if (!model) throw std::runtime_error("no model is loaded");
        QElapsedTimer clock;
        clock.start();
        const QImage image = sampleImage(model, r, control, [&](const QString& what, int done, int total) { report.progress(what, done, total); });
        return QVariant::fromValue(qMakePair(image, clock.elapsed() / 1000.0));
    });
    return true;
}

void ModelPanel::setPrompt(const QString& prompt, const QString& negative) {
    prompt_->setText(prompt);
    negative_->setText(negative);
}

QString ModelPanel::message() const { return status_->text(); }
bool ModelPanel::promptVisible() const { return !textBox_->isHidden(); }

void ModelPanel::setBusy(bool busy, const QString& what) {
    busy_ = busy;
    progress_->setVisible(busy);
    progress_->setRange(0, 0);
    loadButton_->setEnabled(!busy);
    sampleButton_->setEnabled(!busy && !current().description.isEmpty());
    if (!what.isEmpty()) status_->setText(what);
    status_->setStyleSheet({});
}

void ModelPanel::finish(const QString& message, bool error) {
    setBusy(false);
    status_->setText(message);
    status_->setStyleSheet(error ? "color: #b00020;" : "");
    Q_EMIT idle();
}
