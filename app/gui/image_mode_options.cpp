// The image mode's options: the controls, their values as core's ImageRunOptions, the model's defaults.
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
    setSettings(geo::ImageRunOptions{});
    return box;
}

geo::ImageRunOptions ImageMode::settings() const {
    geo::ImageRunOptions o = options_;  // what no control shows (the DDIM grid, the solver's schedule, …) as last set
    o.extrapolate = what_->currentIndex() > 0;
    o.extrapolation.past = geo::parseExtrapolationSide(QStringList{"last", "last", "first", "both"}[what_->currentIndex()].toStdString());
    o.extrapolation.length = length_->value();
    o.extrapolation.frames = extraFrames_->value();
    o.geometry = geo::parseGeometry(geometry_->currentData().toString().toStdString());
    o.spacetimeSteps = spacetimeSteps_->value();
    o.density.noiseLevel = noise_->value();
    o.density.framesPerPair = frames_->value();
    o.density.solver.alpha = alpha_->value();
    o.density.solver.method = geo::parseLatentBvpMethod(method_->currentText().toStdString());
    o.density.jitterRange = jitter_->value();
    o.density.solver.maxIterations = iterations_->value();
    o.density.seed = static_cast<uint64_t>(seed_->value());
    o.density.retime = retime_->isChecked();
    o.density.textualInversionSteps = inversion_->value();
    o.density.negative = negative_->text().toStdString();
    return o;
}

void ImageMode::setSettings(const geo::ImageRunOptions& o) {
    applying_ = true;
    options_ = o;
    const geo::ExtrapolationSide past = o.extrapolation.past;
    what_->setCurrentIndex(!o.extrapolate ? 0 : past == geo::ExtrapolationSide::First ? 2 : past == geo::ExtrapolationSide::Both ? 3 : 1);
    geometry_->setCurrentIndex(std::max(0, geometry_->findData(QString::fromStdString(geo::geometryName(o.geometry)))));
    spacetimeSteps_->setValue(o.spacetimeSteps);
    length_->setValue(o.extrapolation.length);
    extraFrames_->setValue(o.extrapolation.frames);
    noise_->setValue(o.density.noiseLevel);
    frames_->setValue(o.density.framesPerPair);
    alpha_->setValue(o.density.solver.alpha);
    method_->setCurrentText(QString::fromStdString(geo::latentBvpMethodName(o.density.solver.method)));
    jitter_->setValue(o.density.jitterRange);
    iterations_->setValue(o.density.solver.maxIterations);
    seed_->setValue(static_cast<int>(o.density.seed));
    retime_->setChecked(o.density.retime);
    inversion_->setValue(o.density.textualInversionSteps);
    negative_->setText(QString::fromStdString(o.density.negative));
    applying_ = false;
}

void ImageMode::onModelLoaded(const ModelInfo& info) {
    geo::ImageRunOptions o = info.defaults;
    const geo::ImageRunOptions now = settings();
    o.extrapolate = now.extrapolate;
    o.extrapolation.past = now.extrapolation.past;
    o.geometry = now.geometry;
    setSettings(o);
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
                       QSettings().value("model/dtype", "auto").toString());
    }
}

void ImageMode::optionChanged() {
    if (applying_) return;
    if (result_ || runId_) rerunTimer_.start();  // what is shown follows the options
}

