// Stable Diffusion's networks against diffusers' own outputs on tiny random-weight models with the real
// structure (tests/data/sd-tiny, README there). Tolerances are the fixtures' README's for a
// float32 port: max|out − ref| ≤ 1e-4 · max(1, max|ref|) (2e-4 · max|ref| for the VAE decoder), about
// 100× the measured float32-vs-float64 spread, which different GEMM back ends and thread counts move by
// up to 10×; anything off by 1e-3 relative is a real bug.
#include <QtTest>
#include <torch/torch.h>

#include <fstream>
#include <functional>
#include <regex>
#include <nlohmann/json.hpp>

#include "common/errors.h"
#include "nn/state_dict.h"
#include "safetensors/safetensors.h"
#include "sd/ldm_keys.h"
#include "sd/sd_model.h"
#include "sd/sd_networks.h"
#include "diffusion/diffusion_model.h"
#include "models/model_loader.h"
#include "sd_fixture_model.h"
#include <QTemporaryDir>

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
    return SdNetworks::load(SdSource::open(path, options), c10::Device(c10::kCPU), SdDtypes{});
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
        o.configDir = fixtures() / "sd15-like";
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

    // bfloat16, as --dtype auto runs SD's UNet and VAE on CPUs with bfloat16 units (norms, softmax and
    // the time features stay float32): the outputs against diffusers' float32 ones, as the relative
    // norm of the difference. bfloat16 keeps 8 significant bits (a relative rounding of 2⁻⁹ ≈ 0.2 %
    // per operation, inputs and weights included). Measured on these random-weight fixtures: 1.3–1.4 %
    // for the UNets' ε, 3.2 % for the decoded image, 2.1 % for the posterior mean. The bounds (3 % and
    // 6 %) are about twice that: a norm or a softmax computed in bfloat16 would go past them.
    void bfloat16StaysWithinItsStatedError() {
        torch::NoGradGuard noGrad;
        const SdDtypes half{c10::kBFloat16, c10::kBFloat16, c10::kFloat};
        auto relative = [](const at::Tensor& out, const at::Tensor& want) { return ((out.to(torch::kFloat) - want).norm() / want.norm()).item<double>(); };
        for (const std::string model : {"sd15-like/unet", "sd21-like/unet"}) {
            const auto nets = SdNetworks::load(SdSource::open(fixtures() / model), c10::Device(c10::kCPU), half);
            const SafetensorsFile cases(fixtures() / model / "cases.safetensors");
            for (const std::string c : {"case0.", "case1."}) {
                const at::Tensor eps = nets->unet->forward(ref(cases, c + "latents").to(torch::kBFloat16), readTensor(cases, c + "timesteps"),
                                                           ref(cases, c + "encoder_hidden_states").to(torch::kBFloat16));
                QCOMPARE(eps.scalar_type(), torch::kBFloat16);
                const double e = relative(eps, ref(cases, c + "eps"));
                qInfo("%s %s eps in bfloat16: relative error %.4f", model.c_str(), c.c_str(), e);
                QVERIFY2(e < 0.03, qPrintable(QString::fromStdString(model + " " + c) + QString(": %1").arg(e)));
            }
        }
        const auto nets = SdNetworks::load(SdSource::open(fixtures() / "vae"), c10::Device(c10::kCPU), half);
        const SafetensorsFile cases(fixtures() / "vae/cases.safetensors");
        const double decoded = relative(nets->vae->decode(ref(cases, "decoder_latents").to(torch::kBFloat16)), ref(cases, "decoded"));
        const double mean = relative(nets->vae->encode(ref(cases, "image").to(torch::kBFloat16)).mean, ref(cases, "posterior_mean"));
        qInfo("VAE in bfloat16: decoded %.4f, posterior mean %.4f relative error", decoded, mean);
        QVERIFY(decoded < 0.06 && mean < 0.06);
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

    // A whole model assembled from the fixtures (the sd15-like UNet attends to 32-wide states, which
    // the tiny text encoder makes): the prompt reaches the UNet as the text encoder's last hidden state
    // of "a dog jumping" (the fixture's row 0), and guidance is the linear blend of two evaluations.
    void promptsAndGuidanceReachTheUnet() {
        QTemporaryDir dir;
        const std::filesystem::path m = dir.path().toStdString();
        assembleTinySd(m, "epsilon");
        torch::NoGradGuard noGrad;
        const auto model = loadModel(m, ComputeOptions{"cpu", "float32"});
        QVERIFY(model->textConditioned());
        QCOMPARE(model->imageSize(), 64);
        const auto nets = loadTiny(fixtures() / "sd15-like/unet");
        const SafetensorsFile text(fixtures() / "text_encoder/cases.safetensors");
        const at::Tensor x = torch::randn({2, 4, 8, 8}, torch::TensorOptions().dtype(torch::kFloat));
        model->setConditioning({"a dog jumping", "", 1.0});
        const at::Tensor direct = nets->unet->forward(x, torch::full({2}, 581, torch::kLong), ref(text, "last_hidden_state").slice(0, 0, 1).expand({2, -1, -1}));
        expectClose(model->epsilon(x, 581), direct, 1e-4, true, "conditioned eps");
        const at::Tensor c = model->epsilon(x, 581);
        model->setConditioning({"a cat", "", 1.0});
        const at::Tensor u = model->epsilon(x, 581);
        model->setConditioning({"a dog jumping", "a cat", 7.5});
        expectClose(model->epsilon(x, 581), u + 7.5 * (c - u), 1e-4, true, "guided eps");
    }

    // v-prediction from the scheduler config: ε = √ᾱ v + √(1 − ᾱ) x_t of the network's output.
    void velocityPredictionConvertsToEpsilon() {
        QTemporaryDir a, b;
        assembleTinySd(a.path().toStdString(), "epsilon");
        assembleTinySd(b.path().toStdString(), "v_prediction");
        torch::NoGradGuard noGrad;
        const auto eps = loadModel(a.path().toStdString(), ComputeOptions{"cpu", "float32"});
        const auto v = loadModel(b.path().toStdString(), ComputeOptions{"cpu", "float32"});
        QCOMPARE(predictionName(v->prediction()), std::string("v_prediction"));
        const at::Tensor x = torch::randn({1, 4, 8, 8});
        const double ab = v->schedule().alphaBar(300);
        expectClose(v->epsilon(x, 300), std::sqrt(ab) * eps->epsilon(x, 300) + std::sqrt(1 - ab) * x, 1e-5, true, "v → eps");
    }

    // A whole single-file checkpoint: the LDM UNet file, the VAE renamed to first_stage_model.* by
    // the fixtures README's table (written out here with regexes, independently of ldm_keys.cpp; its
    // attention weights as 1×1 convs) and the text encoder under cond_stage_model.transformer.*.
    // Loaded as one file, each network reproduces the diffusers outputs.
    void singleFileCheckpointLoadsAllThreeNetworks() {
        std::vector<std::pair<std::string, at::Tensor>> all;
        const SafetensorsFile unet(fixtures() / "sd15-like/unet_ldm_keys.safetensors");
        for (const TensorInfo& t : unet.tensors()) all.emplace_back(t.name, readTensor(unet, t.name));
        const SafetensorsFile text(fixtures() / "text_encoder/model.safetensors");
        for (const TensorInfo& t : text.tensors()) all.emplace_back("cond_stage_model.transformer." + t.name, readTensor(text, t.name));
        const std::vector<std::pair<std::regex, std::string>> vaeRules = {
            {std::regex(R"(^encoder\.down_blocks\.(\d)\.resnets\.(\d)\.)"), "encoder.down.$1.block.$2."},
            {std::regex(R"(^encoder\.down_blocks\.(\d)\.downsamplers\.0\.)"), "encoder.down.$1.downsample."},
            {std::regex(R"(^(encoder|decoder)\.mid_block\.resnets\.0\.)"), "$1.mid.block_1."},
            {std::regex(R"(^(encoder|decoder)\.mid_block\.resnets\.1\.)"), "$1.mid.block_2."},
            {std::regex(R"(^(encoder|decoder)\.mid_block\.attentions\.0\.group_norm\.)"), "$1.mid.attn_1.norm."},
            {std::regex(R"(^(encoder|decoder)\.mid_block\.attentions\.0\.to_(q|k|v)\.)"), "$1.mid.attn_1.$2."},
            {std::regex(R"(^(encoder|decoder)\.mid_block\.attentions\.0\.to_out\.0\.)"), "$1.mid.attn_1.proj_out."},
            {std::regex(R"(^(encoder|decoder)\.conv_norm_out\.)"), "$1.norm_out."},
            {std::regex(R"(\.conv_shortcut\.)"), ".nin_shortcut."}};
        const SafetensorsFile vae(fixtures() / "vae/diffusion_pytorch_model.safetensors");
        for (const TensorInfo& t : vae.tensors()) {
            std::string name = t.name;
            std::smatch m;
            if (std::regex_search(name, m, std::regex(R"(^decoder\.up_blocks\.(\d)\.)")))  // up blocks are numbered from the bottom
                name = "decoder.up." + std::to_string(3 - std::stoi(m[1])) + "." + m.suffix().str();
            name = std::regex_replace(name, std::regex(R"(^(decoder\.up\.\d)\.resnets\.(\d)\.)"), "$1.block.$2.");
            name = std::regex_replace(name, std::regex(R"(^(decoder\.up\.\d)\.upsamplers\.0\.)"), "$1.upsample.");
            for (const auto& [rule, replacement] : vaeRules) name = std::regex_replace(name, rule, replacement);
            at::Tensor value = readTensor(vae, t.name);
            if (name.find(".attn_1.") != std::string::npos && value.dim() == 2) value = value.reshape({value.size(0), value.size(1), 1, 1});
            all.emplace_back("first_stage_model." + name, value);
        }
        QTemporaryDir dir;
        const std::filesystem::path file = dir.filePath("tiny-sd15.safetensors").toStdString();
        saveTensors(file, all);
        SdSourceOptions o;
        assembleTinySd(dir.filePath("config").toStdString());
        o.configDir = dir.filePath("config").toStdString();
        const SdSource source = SdSource::open(file, o);
        QCOMPARE(QString::fromStdString(source.layout), QString("single-file checkpoint"));
        QVERIFY(source.unet && source.vae && source.text);
        torch::NoGradGuard noGrad;
        const auto nets = SdNetworks::load(source, c10::Device(c10::kCPU), SdDtypes{});
        const SafetensorsFile vaeCases(fixtures() / "vae/cases.safetensors"), textCases(fixtures() / "text_encoder/cases.safetensors");
        expectClose(nets->vae->encode(ref(vaeCases, "image")).mean, ref(vaeCases, "posterior_mean"), 1e-4, true, "single-file posterior_mean");
        expectClose(nets->vae->decode(ref(vaeCases, "decoder_latents")), ref(vaeCases, "decoded"), 2e-4, false, "single-file decoded");
        expectClose(nets->text->forward(readTensor(textCases, "input_ids")).lastHidden, ref(textCases, "last_hidden_state"), 1e-4, true, "single-file text");
        const SafetensorsFile unetCases(fixtures() / "sd15-like/unet/cases.safetensors");
        expectClose(nets->unet->forward(ref(unetCases, "case0.latents"), readTensor(unetCases, "case0.timesteps"), ref(unetCases, "case0.encoder_hidden_states")),
                    ref(unetCases, "case0.eps"), 1e-4, true, "single-file eps");
    }

    void badInputsAreNamed_data() {
        QTest::addColumn<QString>("damage");
        QTest::addColumn<QString>("message");
        QTest::newRow("missing key") << "drop conv_in.bias" << "missing 1 key(s): conv_in.bias";
        QTest::newRow("wrong shape") << "reshape conv_out.bias" << "wrong shape for conv_out.bias (file [2, 2], model [4])";
        QTest::newRow("unexpected key") << "add extra.weight" << "unexpected key(s) the model does not have: extra.weight";
        QTest::newRow("truncated file") << "truncate" << "diffusion_pytorch_model.safetensors";
        QTest::newRow("unknown architecture") << "class UNet3DConditionModel" << "unknown architecture: \"UNet3DConditionModel\"";
        QTest::newRow("unsupported block") << "block AttnDownBlock2D" << "\"down_block_types\" holds \"AttnDownBlock2D\"";
        QTest::newRow("pickle") << "pickle" << "a pickled PyTorch checkpoint";
        QTest::newRow("single file of unknown kind") << "single file" << "unknown architecture: no tensor starts with model.diffusion_model.";
    }
    void badInputsAreNamed() {
        QFETCH(QString, damage);
        QFETCH(QString, message);
        QTemporaryDir dir;
        const std::filesystem::path unet = fixtures() / "sd15-like/unet";
        const std::filesystem::path d = dir.path().toStdString();
        std::filesystem::copy(unet / "config.json", d / "config.json");
        const SafetensorsFile original(unet / "diffusion_pytorch_model.safetensors");
        std::vector<std::pair<std::string, at::Tensor>> tensors;
        for (const TensorInfo& t : original.tensors()) tensors.emplace_back(t.name, readTensor(original, t.name));
        std::filesystem::path target = d;
        const std::string what = damage.section(' ', 1).toStdString();
        if (damage.startsWith("drop")) std::erase_if(tensors, [&](const auto& p) { return p.first == what; });
        if (damage.startsWith("reshape"))
            for (auto& [name, t] : tensors)
                if (name == what) t = t.reshape({2, 2});
        if (damage.startsWith("add")) tensors.emplace_back(what, torch::zeros({3}));
        saveTensors(d / "diffusion_pytorch_model.safetensors", tensors);
        if (damage == "truncate") std::filesystem::resize_file(d / "diffusion_pytorch_model.safetensors", 4000);
        if (damage.startsWith("class") || damage.startsWith("block")) {
            nlohmann::json c = nlohmann::json::parse(std::ifstream(unet / "config.json"));
            if (damage.startsWith("class")) c["_class_name"] = what;
            if (damage.startsWith("block")) c["down_block_types"][0] = what;
            std::filesystem::remove(d / "config.json");
            std::ofstream(d / "config.json") << c.dump();
        }
        if (damage == "pickle") {
            target = d / "model.ckpt";
            std::ofstream(target) << "PK";
        }
        if (damage == "single file") target = d / "diffusion_pytorch_model.safetensors";
        QString error = "no error";
        try {
            SdNetworks::load(SdSource::open(target), c10::Device(c10::kCPU), SdDtypes{});
        } catch (const InputError& e) {
            error = e.what();
        }
        QVERIFY2(error.contains(message), qPrintable(error));
    }

};

QTEST_GUILESS_MAIN(TestSdNetworks)
#include "test_sd_networks.moc"
