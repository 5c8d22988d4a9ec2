#pragma once
// What to write for a finished image path: the folder (numbered PNGs of the geodesic and of the
// baseline, and the strip, always), a GIF, an MP4 and the JSON of every number; the animation's size,
// frames per second, loop, ping-pong and hold at keyframes. The choices are remembered (QSettings).
#include <QDialog>

#include "image_jobs.h"

class QCheckBox;
class QDoubleSpinBox;
class QLineEdit;
class QSpinBox;

class ExportDialog : public QDialog {
    Q_OBJECT
public:
    explicit ExportDialog(QWidget* parent = nullptr);
    ImageExportRequest request() const;
    void setRequest(const ImageExportRequest& r);
    void remember() const;                 // into QSettings
    static ImageExportRequest remembered();  // from QSettings, with defaults

private:
    QLineEdit* folder_;
    QCheckBox *gif_, *mp4_, *json_, *loop_, *pingPong_;
    QSpinBox *size_, *hold_;
    QDoubleSpinBox* fps_;
};
