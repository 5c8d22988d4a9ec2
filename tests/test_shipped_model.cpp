// The model in resources/, on scenes never used in training: its autoencoder reconstructs 256 of them
// at 32 dB PSNR or better on average, and 256 scenes of another renderer (painted, with walls, other
// cameras and lights: pictures it was not made for) at 26 dB or better; DDIM inversion to timestep 581 then sampling back
// reconstructs them at 28 dB or better (the figures issues 3 and 11 ask for; docs/model.md has the
// measured values, which are above these floors).
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
        torch::NoGradGuard noGrad;
        const auto meanPsnr = [&](const at::Tensor& scenes) {  // per-image PSNR, averaged
            double total = 0;
            for (int64_t i = 0; i < scenes.size(0); ++i) {
                const at::Tensor x = scenes.slice(0, i, i + 1);
                total += psnr(ae.network->decode(ae.network->encode(x)), x);
            }
            return total / static_cast<double>(scenes.size(0));
        };
        const at::Tensor scenes = renderSceneTensor(kHeldOutSeeds, 256);
        const double mean = meanPsnr(scenes), painted = meanPsnr(renderSceneTensor(kHeldOutSeeds, 256, 64, SceneStyle::Painted));
        qInfo("held-out PSNR over 256 scenes: %.2f dB; over 256 painted scenes of another renderer: %.2f dB", mean, painted);
        QVERIFY(mean >= 32);
        QVERIFY(painted >= 26);
        // Latents scaled by latent_scale have about unit spread, as the diffusion model expects. The scale is
        // 1/std over the autoencoder's varied training set, half of it in random worlds; the generator's
        // plainer scenes alone measure 0.78, which is what the UNet was trained on.
        const double spread = (ae.network->encode(scenes.slice(0, 0, 64)) * ae.latentScale).std().item<double>();
        QVERIFY2(spread > 0.7 && spread < 1.25, qPrintable(QString::number(spread)));
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
