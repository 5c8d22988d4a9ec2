// Training: the autoencoder's shapes, checkpoints that resume to exactly the run that never
// stopped, and a refusal to resume with other settings.
#include <QTemporaryDir>
#include <QtTest>
#include <atomic>
#include <torch/torch.h>

#include "common/errors.h"
#include "nn/image_tensor.h"
#include "nn/state_dict.h"
#include "safetensors/safetensors.h"
#include "nn/autoencoder_file.h"
#include "training/scene_data.h"
#include "training/train_autoencoder.h"

using namespace geo;

namespace {

AutoencoderTraining tinyJob(const QString& out, int steps) {
    AutoencoderTraining job;
    job.out = out.toStdString();
    job.config.channels = 8;
    job.steps = steps;
    job.batch = 2;
    job.trainScenes = 8;
    job.evalScenes = 4;
    job.checkpointEvery = 2;
    return job;
}

}  // namespace

class TestTraining : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void autoencoderShapes() {
        Autoencoder model(AutoencoderConfig{8, 4});
        const torch::Tensor x = torch::zeros({2, 3, 64, 64});
        const torch::Tensor z = model->encode(x);
        QCOMPARE(z.sizes().vec(), (std::vector<int64_t>{2, 4, 16, 16}));
        QCOMPARE(model->decode(z).sizes().vec(), (std::vector<int64_t>{2, 3, 64, 64}));
    }
    void sceneTensorsAreImagesInRange() {
        const at::Tensor t = renderSceneTensor(5, 3);
        QCOMPARE(t.sizes().vec(), (std::vector<int64_t>{3, 3, 64, 64}));
        QVERIFY(t.min().item<float>() >= -1 && t.max().item<float>() <= 1);
        QVERIFY(torch::equal(renderSceneTensor(6, 1), t.slice(0, 1, 2)));  // scene i is seed first + i
        QCOMPARE(psnr(t, t), 10 * std::log10(4.0 / 1e-20));
        QVERIFY(std::abs(psnr(t, t + 0.02) - 10 * std::log10(4.0 / 4e-4)) < 0.01);  // mse 4e-4 → 40 dB
    }
    void resumedRunEqualsTheUnbrokenRun() {
        // An interruption: the 4-step run is cancelled once its step-2 checkpoint is written.
        QTemporaryDir whole, split;
        trainAutoencoder(tinyJob(whole.path(), 4));
        std::atomic<bool> stop{false};
        QVERIFY_THROWS_EXCEPTION(Cancelled, trainAutoencoder(tinyJob(split.path(), 4), [&](const TrainingProgress& p) {
            if (p.step == 2) stop = true;
        }, SolveControl{&stop}));
        QVERIFY(!QFile::exists(split.filePath("autoencoder.safetensors")));
        QVERIFY(QFile::exists(split.filePath("checkpoint.safetensors")) && QFile::exists(split.filePath("optimizer.pt")));
        AutoencoderTraining more = tinyJob(split.path(), 4);
        more.resume = true;
        trainAutoencoder(more);
        const SafetensorsFile a(whole.filePath("autoencoder.safetensors").toStdString());
        const SafetensorsFile b(split.filePath("autoencoder.safetensors").toStdString());
        QCOMPARE(a.tensors().size(), b.tensors().size());
        for (const TensorInfo& t : a.tensors()) QVERIFY2(a.toFloat(t.name) == b.toFloat(t.name), t.name.c_str());
        QVERIFY(QFile::exists(split.filePath("autoencoder.json")));
    }
    void trainedFolderLoadsAndBrokenConfigsAreNamed() {
        QTemporaryDir dir;
        const TrainingResult r = trainAutoencoder(tinyJob(dir.path(), 2));
        const LoadedAutoencoder ae = loadAutoencoder(dir.path().toStdString());
        QCOMPARE(ae.imageSize, 64);
        QCOMPARE(ae.latentScale, r.latentScale);
        QCOMPARE(ae.network->config().channels, 8);
        QFile config(dir.filePath("autoencoder.json"));
        QVERIFY(config.open(QIODevice::WriteOnly | QIODevice::Truncate));
        config.write(R"({"architecture": "autoencoder", "channels": 16, "latent_channels": 4, "image_size": 64, "latent_scale": 1.0})");
        config.close();
        try {  // the weights are of an 8-channel network
            loadAutoencoder(dir.path().toStdString());
            QFAIL("no error");
        } catch (const InputError& e) {
            QVERIFY2(QString(e.what()).contains("wrong shape"), e.what());
        }
        QVERIFY(config.open(QIODevice::WriteOnly | QIODevice::Truncate));
        config.write(R"({"architecture": "autoencoder", "channels": 8, "latent_channels": 4, "image_size": 64})");
        config.close();
        QVERIFY_THROWS_EXCEPTION(InputError, loadAutoencoder(dir.path().toStdString()));
    }
    void resumeWithOtherSettingsIsRefused() {
        QTemporaryDir dir;
        trainAutoencoder(tinyJob(dir.path(), 2));
        AutoencoderTraining other = tinyJob(dir.path(), 4);
        other.resume = true;
        other.batch = 3;
        QVERIFY_THROWS_EXCEPTION(InputError, trainAutoencoder(other));
        other.batch = 2;  // the same settings, more steps: an extension, allowed
        QCOMPARE(trainAutoencoder(other).steps, 4);
    }
    void newDecoderForAFrozenEncoder() {
        // A pixel-shuffle decoder trained for an existing encoder: the encoder's weights (so its latent
        // space and any diffusion model on it) stay exactly as they were, the shared decoder modules
        // start from the source's, and the folder loads with its head.
        QTemporaryDir source, fresh;
        trainAutoencoder(tinyJob(source.path(), 2));
        AutoencoderTraining job = tinyJob(fresh.path(), 2);
        job.config.decoderHead = "pixel-shuffle";
        job.decoderFor = source.path().toStdString();
        const TrainingResult r = trainAutoencoder(job);
        const LoadedAutoencoder a = loadAutoencoder(source.path().toStdString()), b = loadAutoencoder(fresh.path().toStdString());
        QCOMPARE(b.network->config().decoderHead, std::string("pixel-shuffle"));
        QCOMPARE(r.latentScale, a.latentScale);
        const auto bp = b.network->named_parameters(true);
        int encoderTensors = 0;
        for (const auto& p : a.network->named_parameters(true))
            if (p.key().rfind("encoder.", 0) == 0) {
                QVERIFY2(torch::equal(p.value(), bp[p.key()]), p.key().c_str());
                ++encoderTensors;
            }
        QVERIFY(encoderTensors > 0);
        torch::NoGradGuard noGrad;
        QCOMPARE(b.network->decode(torch::zeros({1, 4, 16, 16})).sizes().vec(), (std::vector<int64_t>{1, 3, 64, 64}));
        QVERIFY_THROWS_EXCEPTION(InputError, Autoencoder(AutoencoderConfig{8, 4, "bicubic"}));
    }
};

QTEST_APPLESS_MAIN(TestTraining)
#include "test_training.moc"
