#include "export_dialog.h"

#include <QCheckBox>
#include <QDialogButtonBox>
#include <QDir>
#include <QDoubleSpinBox>
#include <QFileDialog>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QSettings>
#include <QSpinBox>

ExportDialog::ExportDialog(QWidget* parent) : QDialog(parent) {
    setWindowTitle("Export the image path");
    folder_ = new QLineEdit;
    folder_->setPlaceholderText("a new or empty folder");
    auto* browse = new QPushButton("Choose…");
    connect(browse, &QPushButton::clicked, this, [this] {
        const QString dir = QFileDialog::getExistingDirectory(this, "Export into", folder_->text());
        if (!dir.isEmpty()) folder_->setText(dir);
    });
    auto* where = new QHBoxLayout;
    where->addWidget(folder_, 1);
    where->addWidget(browse);
    gif_ = new QCheckBox("Animated GIF (path.gif)");
    mp4_ = new QCheckBox("MP4 video, H.264 (path.mp4)");
    json_ = new QCheckBox("Numbers as JSON (path.json)");
    size_ = new QSpinBox;
    size_->setRange(0, 2048);
    size_->setSpecialValueText("the frames' own");
    size_->setSuffix(" px");
    size_->setToolTip("Width and height of the GIF and MP4 frames");
    fps_ = new QDoubleSpinBox;
    fps_->setRange(0.5, 60);
    fps_->setDecimals(1);
    loop_ = new QCheckBox("Loop the GIF");
    pingPong_ = new QCheckBox("Ping-pong (forward, then back)");
    hold_ = new QSpinBox;
    hold_->setRange(0, 60);
    hold_->setSuffix(" extra frames");
    hold_->setToolTip("Show each keyframe this many frames longer");
    auto* form = new QFormLayout(this);
    form->addRow("Folder", where);
    form->addRow(new QLabel("Always: frame_000.png …, baseline/frame_000.png …, strip.png"));
    form->addRow(gif_);
    form->addRow(mp4_);
    form->addRow(json_);
    form->addRow("Animation size", size_);
    form->addRow("Frames per second", fps_);
    form->addRow(loop_);
    form->addRow(pingPong_);
    form->addRow("Hold keyframes", hold_);
    auto* buttons = new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel);
    buttons->button(QDialogButtonBox::Ok)->setText("Export");
    connect(buttons, &QDialogButtonBox::accepted, this, &QDialog::accept);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    form->addRow(buttons);
    setRequest(remembered());
}

ImageExportRequest ExportDialog::request() const {
    ImageExportRequest r;
    r.folder = folder_->text();
    r.gif = gif_->isChecked();
    r.mp4 = mp4_->isChecked();
    r.json = json_->isChecked();
    r.animation.fps = fps_->value();
    r.animation.loop = loop_->isChecked();
    r.animation.pingPong = pingPong_->isChecked();
    r.animation.hold = hold_->value();
    r.animation.width = r.animation.height = size_->value();
    return r;
}

void ExportDialog::setRequest(const ImageExportRequest& r) {
    folder_->setText(r.folder);
    gif_->setChecked(r.gif);
    mp4_->setChecked(r.mp4);
    json_->setChecked(r.json);
    fps_->setValue(r.animation.fps);
    loop_->setChecked(r.animation.loop);
    pingPong_->setChecked(r.animation.pingPong);
    hold_->setValue(r.animation.hold);
    size_->setValue(r.animation.width);
}

void ExportDialog::remember() const {
    const ImageExportRequest r = request();
    QSettings s;
    s.beginGroup("export");
    s.setValue("folder", r.folder);
    s.setValue("gif", r.gif);
    s.setValue("mp4", r.mp4);
    s.setValue("json", r.json);
    s.setValue("fps", r.animation.fps);
    s.setValue("loop", r.animation.loop);
    s.setValue("pingPong", r.animation.pingPong);
    s.setValue("hold", r.animation.hold);
    s.setValue("size", r.animation.width);
}

ImageExportRequest ExportDialog::remembered() {
    QSettings s;
    s.beginGroup("export");
    ImageExportRequest r;
    r.folder = s.value("folder", QDir::home().filePath("geodesic-export")).toString();
    r.gif = s.value("gif", true).toBool();
    r.mp4 = s.value("mp4", false).toBool();
    r.json = s.value("json", true).toBool();
    r.animation.fps = s.value("fps", 12.0).toDouble();
    r.animation.loop = s.value("loop", true).toBool();
    r.animation.pingPong = s.value("pingPong", false).toBool();
    r.animation.hold = s.value("hold", 0).toInt();
    r.animation.width = r.animation.height = s.value("size", 0).toInt();
    return r;
}
