// DiffusionModel: the conversions from v- and x₀-prediction to ε (exact algebra, checked on random
// tensors to float round-off), model folders that load, and the errors a broken folder gives: each
// names the file and the problem.
#include <QTemporaryDir>
#include <QtTest>
#include <fstream>
#include <nlohmann/json.hpp>
#include <torch/torch.h>

#include "common/errors.h"
#include "common/machine.h"
#include "common/resources.h"
#include "diffusion/diffusion_model.h"
#include "diffusion/sampling.h"
#include "nn/latent_unet.h"
#include "nn/state_dict.h"

using namespace geo;
namespace fs = std::filesystem;

namespace {

nlohmann::json unetJson(const std::vector<int>& channels, const std::string& prediction = "epsilon") {
    return {{"architecture", "latent-unet"}, {"channels", channels}, {"latent_channels", 4}, {"attention_heads", 2},
            {"prediction", prediction},
            {"schedule", {{"train_steps", 1000}, {"beta_start", 0.00085}, {"beta_end", 0.012}, {"beta_schedule", "scaled_linear"}}}};
}

void writeJson(const fs::path& path, const nlohmann::json& j) { std::ofstream(path) << j.dump(2); }

// A model folder: the shipped autoencoder and a small random UNet.
fs::path tinyModel(const QTemporaryDir& dir, const std::vector<int>& channels = {8, 16}) {
    const fs::path d = dir.path().toStdString();
    for (const char* name : {"autoencoder.json", "autoencoder.safetensors"})
        fs::copy_file(defaultModelDir() / name, d / name, fs::copy_options::overwrite_existing);
    torch::manual_seed(0);
    LatentUnet unet(LatentUnetConfig{4, channels, 2});
    saveStateDict(*unet, d / "unet.safetensors");
    writeJson(d / "unet.json", unetJson(channels));
    return d;
}

QString errorOf(const std::function<void()>& f) {
    try {
        f();
    } catch (const InputError& e) {
        return QString::fromStdString(e.what());
    }
    return {};
}

}  // namespace

class TestDiffusionModel : public QObject {
    Q_OBJECT
private Q_SLOTS:
    // Which BLAS the networks' matrix products run on: this process links LibTorch, so libblas.so.3
    // is loaded and named; Debian's alternatives' folders name the implementations.
    void theBlasInUseIsNamed() {
        const BlasInfo b = loadedBlas();
        QVERIFY(b.loaded && !b.name.empty() && std::filesystem::exists(b.path));
        QVERIFY(machineSummary().find(b.name) != std::string::npos);
        QCOMPARE(classifyBlas("/usr/lib/x86_64-linux-gnu/openblas-openmp/libblas.so.3").name, std::string("OpenBLAS (OpenMP)"));
        QCOMPARE(classifyBlas("/usr/lib/x86_64-linux-gnu/openblas-pthread/libblas.so.3").name, std::string("OpenBLAS (pthreads)"));
        const BlasInfo reference = classifyBlas("/usr/lib/x86_64-linux-gnu/blas/libblas.so.3");
        QVERIFY(reference.reference && reference.name == "reference BLAS (netlib)");
        QVERIFY(!classifyBlas("/usr/lib/x86_64-linux-gnu/openblas-openmp/libblas.so.3").reference);
    }
    void predictionsConvertToEpsilon() {
        torch::manual_seed(1);
        const at::Tensor x0 = torch::randn({3, 4, 16, 16}), eps = torch::randn({3, 4, 16, 16});
        for (double ab : {0.9991, 0.5, 0.1799, 0.0047}) {
            const double a = std::sqrt(ab), s = std::sqrt(1 - ab);
            const at::Tensor xt = a * x0 + s * eps, v = a * eps - s * x0;
            QVERIFY(torch::allclose(epsilonFromPrediction(Prediction::Epsilon, eps, xt, ab), eps));
            QVERIFY(torch::allclose(epsilonFromPrediction(Prediction::Velocity, v, xt, ab), eps, 1e-5, 1e-5));
            // x₀ → ε divides by s, so the error grows like 1/s at small noise.
            QVERIFY(torch::allclose(epsilonFromPrediction(Prediction::Sample, x0, xt, ab), eps, 1e-4, 1e-5 / s));
        }
        QCOMPARE(parsePrediction("v_prediction"), Prediction::Velocity);
        QVERIFY(errorOf([] { parsePrediction("flow"); }).contains("unknown prediction type \"flow\""));
    }
    void aModelFolderLoadsAndEvaluates() {
        QTemporaryDir dir;
        const auto model = DiffusionModel::load(tinyModel(dir), ComputeOptions{"cpu", "float32", 4});
        QCOMPARE(model->latentShape(), (std::array<int64_t, 3>{4, 16, 16}));
        QCOMPARE(model->imageSize(), 64);
        QVERIFY(QString::fromStdString(model->describe()).contains("cpu"));
        // Chunked evaluation (10 latents in chunks of 4) equals one batch.
        const at::Tensor x = torch::randn({10, 4, 16, 16});
        const at::Tensor whole = DiffusionModel::load(dir.path().toStdString(), ComputeOptions{"cpu", "float32", 64})->epsilon(x, 581);
        QVERIFY(torch::allclose(model->epsilon(x, 581), whole, 1e-5, 1e-5));
        QCOMPARE(model->decode(x).sizes().vec(), (std::vector<int64_t>{10, 3, 64, 64}));
        QVERIFY(errorOf([&] { model->epsilon(torch::zeros({1, 3, 16, 16}), 581); }).contains("latents must be [N, 4, 16, 16], not [1, 3, 16, 16]"));
        QVERIFY(errorOf([&] { model->encode(torch::zeros({1, 3, 32, 32})); }).contains("images must be [N, 3, 64, 64]"));
        // A seed gives the same samples every time.
        QVERIFY(torch::equal(sampleLatents(*model, 2, 7, 5), sampleLatents(*model, 2, 7, 5)));
        QVERIFY(!torch::equal(sampleLatents(*model, 2, 7, 5), sampleLatents(*model, 2, 8, 5)));
    }
    // In a half-width dtype the model runs end to end (the time embedding, computed in float32, used to
    // meet bfloat16/float16 weights: "mat1 and mat2 must have the same dtype", found on a GPU with
    // float16); its ε agrees with float32's to bfloat16's precision (8-bit mantissa, 3e-2 relative).
    void aHalfWidthDtypeRuns() {
        const fs::path folder = defaultModelDir();  // trained weights: the tiny model's zero output layer gives ε = 0
        const at::Tensor x = torch::randn({3, 4, 16, 16});
        const at::Tensor full = DiffusionModel::load(folder, ComputeOptions{"cpu", "float32", 4})->epsilon(x, 300);
        const auto half = DiffusionModel::load(folder, ComputeOptions{"cpu", "bfloat16", 4});
        const at::Tensor e = half->epsilon(x, 300);
        QCOMPARE(e.scalar_type(), torch::kFloat);
        const double rel = ((e - full).norm() / full.norm()).item<double>();
        qInfo("bfloat16 against float32: %.4f relative", rel);
        QVERIFY2(rel < 3e-2, qPrintable(QString::number(rel)));
        QCOMPARE(half->decode(x).sizes().vec(), (std::vector<int64_t>{3, 3, 64, 64}));
    }
    // Weights that make Inf and NaN (finite but huge, so the loader's own NaN check passes them): the
    // first call stops at its batch with the timestep and rows, so a sample or a path is never decoded,
    // drawn or written from it.
    void nonFiniteOutputIsStoppedAtItsBatch() {
        QTemporaryDir dir;
        const fs::path d = tinyModel(dir);
        torch::manual_seed(0);
        LatentUnet unet(LatentUnetConfig{4, {8, 16}, 2});
        {
            torch::NoGradGuard noGrad;
            for (auto& p : unet->named_parameters()) p.value().fill_(1e30f);
        }
        saveStateDict(*unet, d / "unet.safetensors");
        const auto model = DiffusionModel::load(d);
        const QString e = errorOf([&] { model->epsilon(torch::zeros({3, 4, 16, 16}), 500); });
        QVERIFY2(e.contains("noise prediction at timestep 500 is not finite") && e.contains("rows 0 … 2"), qPrintable(e));
        const QString s = errorOf([&] { sampleLatents(*model, 2, 7, 5); });
        QVERIFY2(s.contains("is not finite"), qPrintable(s));
    }
    void brokenFoldersNameTheProblem() {
        QTemporaryDir dir;
        const fs::path d = tinyModel(dir);
        writeJson(d / "unet.json", unetJson({8, 32}));
        QVERIFY(errorOf([&] { DiffusionModel::load(d); }).contains("wrong shape for"));
        writeJson(d / "unet.json", unetJson({8, 16, 16}));
        QVERIFY(errorOf([&] { DiffusionModel::load(d); }).contains("missing"));
        writeJson(d / "unet.json", unetJson({8, 16}));
        std::vector<std::pair<std::string, at::Tensor>> extra;
        for (const auto& p : LatentUnet(LatentUnetConfig{4, {8, 16}, 2})->named_parameters()) extra.emplace_back(p.key(), p.value());
        extra.emplace_back("time_in.scale", torch::ones({1}));
        saveTensors(d / "unet.safetensors", extra);
        QVERIFY(errorOf([&] { DiffusionModel::load(d); }).contains("unexpected key(s) the model does not have: time_in.scale"));
        tinyModel(dir);
        writeJson(d / "unet.json", unetJson({8, 16}, "flow"));
        QVERIFY(errorOf([&] { DiffusionModel::load(d); }).contains("unknown prediction type"));
        nlohmann::json noSchedule = unetJson({8, 16});
        noSchedule.erase("schedule");
        writeJson(d / "unet.json", noSchedule);
        QVERIFY(errorOf([&] { DiffusionModel::load(d); }).contains("unet.json: \"schedule\" is missing"));
        fs::remove(d / "unet.json");
        QVERIFY(errorOf([&] { DiffusionModel::load(d); }).contains("unet.json"));
        writeJson(d / "unet.json", unetJson({8, 16}));
        QVERIFY(errorOf([&] { DiffusionModel::load(d, ComputeOptions{"cpu", "float16"}); }).contains("float16 needs a CUDA device"));
        QVERIFY(errorOf([&] { DiffusionModel::load(d, ComputeOptions{"tpu"}); }).contains("unknown device"));
    }
};

QTEST_APPLESS_MAIN(TestDiffusionModel)
#include "test_diffusion_model.moc"
