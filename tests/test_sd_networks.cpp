// Stable Diffusion's networks against diffusers' own outputs on tiny random-weight models with the real
// structure (../shared/fixtures/sd-tiny, README there). Tolerances are the fixtures' README's for a
// float32 port: max|out − ref| ≤ 1e-4 · max(1, max|ref|) (2e-4 · max|ref| for the VAE decoder), about
// 100× the measured float32-vs-float64 spread, which different GEMM back ends and thread counts move by
// up to 10×; anything off by 1e-3 relative is a real bug.
#include <QtTest>
#include <torch/torch.h>

#include <fstream>
#include <functional>
#include <nlohmann/json.hpp>

#include "common/errors.h"
#include "nn/state_dict.h"
#include "safetensors/safetensors.h"
#include "sd/ldm_keys.h"
#include "sd/sd_networks.h"

using namespace geo;

namespace {

std::filesystem::path fixtures() { return qEnvironmentVariable("GEODESIC_FIXTURES").toStdString() + "/sd-tiny"; }

at::Tensor ref(const SafetensorsFile& f, const std::string& key) { return readTensor(f, key).to(torch::kFloat); }

double maxAbs(const at::Tensor& t) { return t.abs().max().item<double>(); }

// max|out − ref| / scale, with a message naming the output when it fails.
void expectClose(const at::Tensor& out, const at::Tensor& reference, double relative, bool atLeastOne, const std::string& what) {
    QVERIFY2(out.sizes() == reference.sizes(), qPrintable(QString::fromStdString(what) + ": shape differs"));
    const double scale = atLeastOne ? std::max(1.0, maxAbs(reference)) : maxAbs(reference);
    const double err = maxAbs(out.to(torch::kFloat) - reference);
    QVERIFY2(err <= relative * scale, qPrintable(QString("%1: max error %2 > %3").arg(QString::fromStdString(what)).arg(err).arg(relative * scale)));
}

std::shared_ptr<SdNetworks> loadTiny(const std::filesystem::path& path, const SdSourceOptions& options = {}) {
    return SdNetworks::load(SdSource::open(path, options), c10::Device(c10::kCPU), c10::kFloat);
}

void checkUnet(const std::filesystem::path& path, const std::filesystem::path& casesFile, const SdSourceOptions& options = {}) {
    torch::NoGradGuard noGrad;
    const auto nets = loadTiny(path, options);
    const SafetensorsFile cases(casesFile);
    for (const std::string c : {"case0.", "case1."}) {
        std::map<std::string, at::Tensor> stages;
        const at::Tensor eps = nets->unet->forward(ref(cases, c + "latents"), readTensor(cases, c + "timesteps"), ref(cases, c + "encoder_hidden_states"),
                                                   [&](const std::string& name, const at::Tensor& t) { stages[name] = t; });
        if (c == "case0.")
            for (const auto& [name, t] : stages) expectClose(t, ref(cases, c + "intermediate." + name), 1e-4, true, path.string() + " " + name);
        expectClose(eps, ref(cases, c + "eps"), 1e-4, true, path.string() + " " + c + "eps");
    }
}

}  // namespace

class TestSdNetworks : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void initTestCase() {
        QVERIFY2(std::filesystem::is_directory(fixtures()), qPrintable("fixtures not found at " + QString::fromStdString(fixtures().string())));
        torch::set_num_threads(2);
    }

    void sd15UnetMatchesDiffusers() { checkUnet(fixtures() / "sd15-like/unet", fixtures() / "sd15-like/unet/cases.safetensors"); }
    void sd21UnetMatchesDiffusers() { checkUnet(fixtures() / "sd21-like/unet", fixtures() / "sd21-like/unet/cases.safetensors"); }

    // The single file with original names (and the config, since heads leave no trace in shapes) gives
    // the same outputs as the diffusers folder.
    void ldmKeyFileMatchesDiffusersFolder() {
        SdSourceOptions o;
        o.unetConfig = fixtures() / "sd15-like/unet/config.json";
        checkUnet(fixtures() / "sd15-like/unet_ldm_keys.safetensors", fixtures() / "sd15-like/unet/cases.safetensors", o);
    }

    // Our renaming against the map diffusers' conversion script wrote, pair by pair.
    void unetRenamingEqualsDiffusersScript() {
        const auto map = nlohmann::json::parse(std::ifstream(fixtures() / "sd15-like/unet_key_map_diffusers_to_ldm.json"));
        const SdSource s = SdSource::open(fixtures() / "sd15-like/unet");
        int checked = 0;
        for (const auto& [diffusers, ldm] : map.items()) {
            QCOMPARE(QString::fromStdString(sd::unetLdmKey(diffusers, s.unet->config).key), QString::fromStdString(ldm.get<std::string>()));
            ++checked;
        }
        QCOMPARE(checked, 686);
    }

    void vaeMatchesDiffusers() {
        torch::NoGradGuard noGrad;
        const auto nets = loadTiny(fixtures() / "vae");
        const SafetensorsFile cases(fixtures() / "vae/cases.safetensors");
        std::map<std::string, at::Tensor> stages;
        auto probe = [&](const std::string& name, const at::Tensor& t) { stages[name] = t; };
        const sd::LatentMoments m = nets->vae->encode(ref(cases, "image"), probe);
        expectClose(m.mean, ref(cases, "posterior_mean"), 1e-4, true, "posterior_mean");
        expectClose(m.logvar, ref(cases, "posterior_logvar"), 1e-4, true, "posterior_logvar");
        const at::Tensor decoded = nets->vae->decode(ref(cases, "decoder_latents"), probe);
        for (const auto& [name, t] : stages) expectClose(t, ref(cases, "intermediate." + name), 1e-4, true, name);
        expectClose(decoded, ref(cases, "decoded"), 2e-4, false, "decoded");
    }

    void textEncoderMatchesTransformers() {
        torch::NoGradGuard noGrad;
        const auto nets = loadTiny(fixtures() / "text_encoder");
        const SafetensorsFile cases(fixtures() / "text_encoder/cases.safetensors");
        const sd::TextEncoding e = nets->text->forward(readTensor(cases, "input_ids"));
        expectClose(e.lastHidden, ref(cases, "last_hidden_state"), 1e-4, true, "last_hidden_state");
        expectClose(e.penultimateNormed, ref(cases, "penultimate_hidden_state_final_layer_normed"), 1e-4, true, "penultimate");
        expectClose(e.pooled, ref(cases, "pooler_output"), 1e-4, true, "pooler_output");
    }
};

QTEST_GUILESS_MAIN(TestSdNetworks)
#include "test_sd_networks.moc"
