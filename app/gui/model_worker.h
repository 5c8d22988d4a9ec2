#pragma once
// Loads diffusion models and samples from them on its own thread (latest_job.h), keeping torch out of
// every Qt header: the shipped model or Stable Diffusion 1.x/2.x from a folder or file. A load that
// fails leaves the model it replaces in place.
#include <QImage>
#include <QString>
#include <memory>

#include "latest_job.h"

namespace geo {
class DiffusionModel;
}

struct ModelInfo {
    QString path;         // empty: the shipped model
    QString description;  // DiffusionModel::describe()
    QString device, dtype;
    bool textConditioned = false;
};

struct SampleRequest {
    QString prompt, negative;
    double guidance = 7.5;
    quint64 seed = 0;
    int steps = 25;
};

class ModelWorker : public LatestJobRunner {
    Q_OBJECT
public:
    ~ModelWorker() override;
    void load(const QString& path, const QString& device, const QString& dtype);  // any thread
    void sample(const SampleRequest& request);                                      // any thread

Q_SIGNALS:
    void loaded(ModelInfo info);
    void loadFailed(QString message);  // the previous model stays
    void sampled(QImage image, double seconds);
    void sampleFailed(QString message);
    void progress(QString what, int done, int total);  // total 0: no count known

private:
    std::shared_ptr<geo::DiffusionModel> model_;  // touched on the worker's thread only
};
Q_DECLARE_METATYPE(ModelInfo)
