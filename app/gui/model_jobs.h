#pragma once
// The torch side of the model service, kept out of every Qt header: loading a model and drawing a
// sample, called on the service's threads.
#include <QImage>
#include <QMetaType>
#include <QString>
#include <functional>
#include <memory>

#include "image_run/image_run_options.h"

namespace geo {
class DiffusionModel;
struct SolveControl;
}  // namespace geo

struct ModelInfo {
    QString path;         // empty: the shipped model
    QString description;  // DiffusionModel::describe()
    QString device, dtype;
    QString requestedDtype;  // what was asked for ("auto" resolves per network)
    QString machine;      // which BLAS the matrix products run on, the CPU's bfloat16 units (common/machine.h)
    bool textConditioned = false;
    int imageSize = 0;
    geo::ImageRunOptions defaults;  // an image run's options for this model (core's defaultImageRunOptions)
};
Q_DECLARE_METATYPE(ModelInfo)

struct SampleRequest {
    QString prompt, negative;
    double guidance = 7.5;
    quint64 seed = 0;
    int steps = 25;
};

using ProgressReport = std::function<void(const QString& what, int done, int total)>;  // total 0: no count known

// path empty: the shipped model. Throws with the reason when it cannot load.
std::shared_ptr<geo::DiffusionModel> loadDiffusionModel(const QString& path, const QString& device, const QString& dtype,
                                                        const ProgressReport& progress, ModelInfo& info);
// One image, with per-call guidance (nothing set on the shared model). Throws geo::Cancelled.
QImage sampleImage(const std::shared_ptr<const geo::DiffusionModel>& model, const SampleRequest& request, const geo::SolveControl& control,
                   const ProgressReport& progress);
