// The model in resources/, on scenes never used in training: its autoencoder reconstructs 256 of them
// at 30 dB PSNR or better on average, and DDIM inversion to timestep 581 then sampling back
// reconstructs them at 28 dB or better (the figures issue 3 asks for; docs/model.md has the measured
// values, which are well above these floors).
#include <QtTest>
#include <algorithm>
#include <numeric>
#include <torch/torch.h>

#include "common/resources.h"
#include "diffusion/diffusion_model.h"
#include "diffusion/sampling.h"
#include "nn/autoencoder_file.h"
#include "nn/image_tensor.h"
#include "training/scene_data.h"

using namespace geo;

class TestShippedModel : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void autoencoderReconstructsHeldOutScenes() {
        const LoadedAutoencoder ae = loadAutoencoder(defaultModelDir());
        const at::Tensor scenes = renderSceneTensor(kHeldOutSeeds, 256);
        torch::NoGradGuard noGrad;
        double total = 0;
        for (int64_t i = 0; i < 256; i += 32) {
            const at::Tensor x = scenes.slice(0, i, i + 32);
            total += psnr(ae.network->decode(ae.network->encode(x)), x) * 32;
        }
        const double mean = total / 256;
        qInfo("held-out PSNR over 256 scenes: %.2f dB", mean);
        QVERIFY(mean >= 30);
        // Latents scaled by latent_scale have unit spread, as the diffusion model expects.
        const double spread = (ae.network->encode(scenes.slice(0, 0, 64)) * ae.latentScale).std().item<double>();
        QVERIFY2(spread > 0.8 && spread < 1.25, qPrintable(QString::number(spread)));
    }
    void ddimRoundTripAt581() {
        const auto model = DiffusionModel::load(defaultModelDir(), ComputeOptions{"cpu"});
        QCOMPARE(model->schedule().timestepForNoiseLevel(0.6), 581);
        const std::vector<double> p = ddimRoundTrip(*model, renderSceneTensor(kHeldOutSeeds, 16), 581).psnr;
        const double mean = std::accumulate(p.begin(), p.end(), 0.0) / p.size();
        qInfo("DDIM round trip at 581 over 16 held-out scenes: mean %.2f dB, min %.2f dB", mean, *std::min_element(p.begin(), p.end()));
        QVERIFY(mean >= 28);
    }
    void samplesAreScenesInRange() {
        // Not a quality measure (docs/model.md has the Fréchet distances): samples decode to finite
        // images in range with the spread of real scenes, not noise or a constant.
        const auto model = DiffusionModel::load(defaultModelDir(), ComputeOptions{"cpu"});
        const at::Tensor images = model->decode(sampleLatents(*model, 8, 3, 20)).clamp(-1, 1);
        const at::Tensor real = renderSceneTensor(kHeldOutSeeds, 64);
        QVERIFY(images.isfinite().all().item<bool>());
        const double sd = images.std().item<double>(), realSd = real.std().item<double>();
        QVERIFY2(sd > 0.5 * realSd && sd < 2 * realSd, qPrintable(QString("%1 vs %2").arg(sd).arg(realSd)));
    }
};

QTEST_APPLESS_MAIN(TestShippedModel)
#include "test_shipped_model.moc"
