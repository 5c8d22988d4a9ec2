#pragma once
// The model chooser: the shipped model or a Stable Diffusion folder or file, on a device in a dtype;
// what is loaded and where it runs stays in view; prompt, negative prompt and guidance appear for
// models with text conditioning; one sample previews the model. Loading and sampling run on the
// window's ModelService with progress (a sample runs beside an image path, never cancels it); a
// failed load keeps the previous model and says why.
#include <QWidget>

#include "model_service.h"

class QComboBox;
class QDoubleSpinBox;
class QLabel;
class QLineEdit;
class QProgressBar;
class QPushButton;
class QSpinBox;
class QWidget;

class ModelPanel : public QWidget {
    Q_OBJECT
public:
    explicit ModelPanel(ModelService* service, QWidget* parent = nullptr);
    ~ModelPanel() override;

    // path empty: the shipped model.
    void loadModel(const QString& path, const QString& device = "auto", const QString& dtype = "auto");
    bool sample();  // false while a load or a sample runs
    void setPrompt(const QString& prompt, const QString& negative = {});

    const ModelInfo& current() const { return service_->current(); }
    bool busy() const { return busy_; }
    QString message() const;                  // the status line's text
    bool promptVisible() const;
    const QImage& preview() const { return preview_; }

Q_SIGNALS:
    void modelChanged(ModelInfo info);
    void idle();  // a load or a sample finished, either way

private:
    void chooseSource(int index);
    void setBusy(bool busy, const QString& what = {});
    void finish(const QString& message, bool error);

    ModelService* service_;
    quint64 sampleId_ = 0;
    bool busy_ = false;
    QImage preview_;
    QComboBox *source_, *device_, *dtype_;
    QPushButton *loadButton_, *sampleButton_;
    QLabel *status_, *running_, *image_;
    QProgressBar* progress_;
    QWidget* textBox_;
    QLineEdit *prompt_, *negative_;
    QDoubleSpinBox* guidance_;
    QSpinBox *seed_, *steps_;
};
