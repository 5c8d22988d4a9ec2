#include "model_panel.h"

#include <QComboBox>
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

ModelPanel::ModelPanel(QWidget* parent) : QWidget(parent) {
    qRegisterMetaType<ModelInfo>();
    worker_ = new ModelWorker();
    worker_->moveToThread(&thread_);
    connect(&thread_, &QThread::finished, worker_, &QObject::deleteLater);
    thread_.start();

    source_ = new QComboBox();
    source_->addItems({"Shipped model (scenes64)", "Stable Diffusion folder…", "Stable Diffusion .safetensors file…"});
    source_->setToolTip("The shipped model, or Stable Diffusion 1.x/2.x weights of your own: a diffusers folder or a single-file checkpoint");
    device_ = new QComboBox();
    device_->addItems({"auto", "cpu", "cuda"});
    dtype_ = new QComboBox();
    dtype_->addItems({"float32", "bfloat16", "float16"});
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
    connect(worker_, &ModelWorker::progress, this, [this](const QString& what, int done, int total) {
        progress_->setRange(0, total);
        progress_->setValue(done);
        progress_->setFormat(what + (total ? " %v/%m" : ""));
        progress_->setTextVisible(true);
    });
    connect(worker_, &ModelWorker::loaded, this, [this](const ModelInfo& info) {
        current_ = info;
        textBox_->setVisible(info.textConditioned);
        running_->setText("Running on <b>" + info.device + "</b> in <b>" + info.dtype + "</b>");
        finish(info.description, false);
        Q_EMIT modelChanged(info);
    });
    connect(worker_, &ModelWorker::loadFailed, this, [this](const QString& why) {
        const QString kept = current_.description.isEmpty() ? "No model is loaded." : "Still using " + current_.description + ".";
        finish("Could not load " + (pendingPath_.isEmpty() ? "the shipped model" : pendingPath_) + ": " + why + "\n" + kept, true);
    });
    connect(worker_, &ModelWorker::sampled, this, [this](const QImage& image, double seconds) {
        preview_ = image;
        image_->setPixmap(QPixmap::fromImage(image.scaled(256, 256, Qt::KeepAspectRatio, image.width() < 256 ? Qt::FastTransformation : Qt::SmoothTransformation)));
        finish(current_.description + QString("\nSample: %1×%2 in %3 s").arg(image.width()).arg(image.height()).arg(seconds, 0, 'f', 1), false);
    });
    connect(worker_, &ModelWorker::sampleFailed, this, [this](const QString& why) { finish(current_.description + "\nSampling failed: " + why, true); });
}

ModelPanel::~ModelPanel() {
    thread_.quit();
    thread_.wait();
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
    pendingPath_ = path;
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
    worker_->load(path, device, dtype);
}

bool ModelPanel::sample() {
    // One job at a time: a sample must not displace a load still waiting to run.
    if (busy_ || current_.description.isEmpty()) return false;
    SampleRequest r;
    r.prompt = prompt_->text();
    r.negative = negative_->text();
    r.guidance = guidance_->value();
    r.seed = static_cast<quint64>(seed_->value());
    r.steps = steps_->value();
    setBusy(true, current_.description + "\nSampling…");
    worker_->sample(r);
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
    sampleButton_->setEnabled(!busy && !current_.description.isEmpty());
    if (!what.isEmpty()) status_->setText(what);
    status_->setStyleSheet({});
}

void ModelPanel::finish(const QString& message, bool error) {
    setBusy(false);
    status_->setText(message);
    status_->setStyleSheet(error ? "color: #b00020;" : "");
    Q_EMIT idle();
}
