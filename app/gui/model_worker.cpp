#include "model_worker.h"

#include <chrono>

#include "common/errors.h"
#include "common/resources.h"
#include "diffusion/diffusion_model.h"
#include "diffusion/sampling.h"
#include "nn/image_tensor.h"
#include "nn/state_dict.h"
#include "sd/sd_model.h"
#include "sd/sd_source.h"

ModelWorker::~ModelWorker() = default;

void ModelWorker::load(const QString& path, const QString& device, const QString& dtype) {
    // Loading cannot stop halfway; a later request waits for it instead of cancelling it.
    submit(
        [this, path, device, dtype](const geo::SolveControl&) {
            try {
                geo::useAllCoresForTorch();
                const geo::ComputeOptions compute{device.toStdString(), dtype.toStdString(), 16};
                const std::filesystem::path p = path.isEmpty() ? geo::defaultModelDir() : std::filesystem::path(path.toStdString());
                std::shared_ptr<geo::DiffusionModel> m;
                if (geo::SdSource::looksLikeStableDiffusion(p)) {
                    int part = 0;
                    m = geo::loadStableDiffusion(p, compute, {}, [&](const std::string& what) {
                        Q_EMIT progress("Reading the " + QString::fromStdString(what) + "…", part++, 3);
                    });
                } else {
                    Q_EMIT progress("Reading the shipped model…", 0, 0);
                    m = geo::DiffusionModel::load(p, compute);
                }
                model_ = m;
                Q_EMIT loaded({path, QString::fromStdString(m->describe()), QString::fromStdString(m->device().str()),
                               QString::fromStdString(geo::scalarTypeName(m->dtype())), m->textConditioned()});
            } catch (const std::exception& e) {
                Q_EMIT loadFailed(QString::fromStdString(e.what()));
            }
        },
        false);
}

void ModelWorker::sample(const SampleRequest& r) {
    submit([this, r](const geo::SolveControl& control) {
        const auto start = std::chrono::steady_clock::now();
        try {
            if (!model_) throw geo::InputError("no model is loaded");
            if (model_->textConditioned()) model_->setConditioning({r.prompt.toStdString(), r.negative.toStdString(), r.guidance});
            const at::Tensor latents = geo::sampleLatents(*model_, 1, r.seed, r.steps, control, [this](int done, int total) {
                Q_EMIT progress("Denoising", done, total);
            });
            const geo::RgbImage image = geo::tensorToImage(model_->decode(latents)[0]);
            QImage q(image.width, image.height, QImage::Format_RGB888);
            for (int y = 0; y < image.height; ++y) std::memcpy(q.scanLine(y), image.rgb.data() + size_t(y) * image.width * 3, size_t(image.width) * 3);
            Q_EMIT sampled(q, std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count());
        } catch (const geo::Cancelled&) {
            Q_EMIT sampleFailed("cancelled");
        } catch (const std::exception& e) {
            Q_EMIT sampleFailed(QString::fromStdString(e.what()));
        }
    });
}
