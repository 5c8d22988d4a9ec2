#include "model_jobs.h"

#include "image_convert.h"

#include "common/errors.h"
#include "common/machine.h"
#include "common/resources.h"
#include "diffusion/diffusion_model.h"
#include "diffusion/sampling.h"
#include "io/image_io.h"
#include "nn/image_tensor.h"
#include "nn/state_dict.h"
#include "image_run/image_run.h"
#include "models/model_loader.h"

std::shared_ptr<geo::DiffusionModel> loadDiffusionModel(const QString& path, const QString& device, const QString& dtype,
                                                        const ProgressReport& progress, ModelInfo& info) {
    const geo::ComputeOptions compute{device.toStdString(), dtype.toStdString(), 16};
    const std::shared_ptr<geo::DiffusionModel> m =
        geo::loadModel(path.toStdString(), compute, {}, [&](const std::string& what, int part, int parts) {
            progress("Reading the " + QString::fromStdString(what) + "…", part, parts);
        });
    info = {path, QString::fromStdString(m->describe()), QString::fromStdString(m->device().str()),
            QString::fromStdString(geo::scalarTypeName(m->dtype())), dtype, QString::fromStdString(geo::machineSummary()), m->textConditioned(),
            m->imageSize(), geo::defaultImageRunOptions(*m)};
    return m;
}

QImage sampleImage(const std::shared_ptr<const geo::DiffusionModel>& model, const SampleRequest& r, const geo::SolveControl& control,
                   const ProgressReport& progress) {
    const geo::TextConditioning text =
        model->textConditioned() ? geo::TextConditioning{r.prompt.toStdString(), r.negative.toStdString(), r.guidance} : geo::TextConditioning{};
    const geo::GuidedEpsilon eps(model, text);
    const at::Tensor latents = geo::sampleLatents(eps, *model, 1, r.seed, r.steps, control, [&](int done, int total) {
        progress("Denoising", done, total);
    });
    return toQImage(geo::tensorToImage(model->decode(latents)[0]));
}
