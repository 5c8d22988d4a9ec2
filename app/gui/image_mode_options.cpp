// The image mode's options: the controls, their values as ImageRunSettings, the model's defaults.
#include "image_mode.h"

#include <QCheckBox>
#include <QComboBox>
#include <QDoubleSpinBox>
#include <QFormLayout>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QSettings>
#include <QSpinBox>

#include "keyframe_bar/keyframe_bar.h"

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
    // Groups shown or enabled together: rows of a form without margins.
    auto group = [](std::initializer_list<std::pair<const char*, QWidget*>> rows) {
        auto* w = new QWidget;
        auto* f = new QFormLayout(w);
        f->setContentsMargins(0, 0, 0, 0);
        for (const auto& [label, field] : rows) f->addRow(label, field);
        return w;
    };
    extrapolationOptions_ = group({{"Extrapolate by", length_}, {"Frames past", extraFrames_}});
    extrapolationOptions_->setEnabled(false);
    spacetimeSteps_ = spin(0, 2000, "Adam steps at most per pair of the spacetime geodesic (the published 200 at 16 points); "
                                    "the solve ends sooner when the energy levels off or the network's moments stop being trustworthy");
    spacetimeOptions_ = group({{"Spacetime steps", spacetimeSteps_}});
    spacetimeOptions_->setEnabled(false);
    negative_ = new QLineEdit;
    negative_->setToolTip("Negative prompt of the score estimator");
    connect(negative_, &QLineEdit::editingFinished, this, &ImageMode::optionChanged);
    inversion_ = spin(0, 2000, "Textual inversion steps per keyframe (0: off; 500 published)");
    textOptions_ = group({{"Negative prompt", negative_}, {"Textual inversion", inversion_}});
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
    form->addRow(spacetimeOptions_);
    form->addRow(textOptions_);
    form->addRow(defaults);
    setSettings(ImageRunSettings{});
    return box;
}

ImageRunSettings ImageMode::settings() const {
    ImageRunSettings s;
    s.extrapolate = what_->currentIndex() > 0;
    s.past = QStringList{"last", "last", "first", "both"}[what_->currentIndex()];
    s.geometry = geometry_->currentData().toString();
    s.spacetimeSteps = spacetimeSteps_->value();
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
    geometry_->setCurrentIndex(std::max(0, geometry_->findData(s.geometry)));
    spacetimeSteps_->setValue(s.spacetimeSteps);
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
    s.geometry = now.geometry;
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

