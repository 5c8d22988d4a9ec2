// The image pipeline (core/pipeline) end to end: on an exact ε-model (a Gaussian mixture in a
// 1 024-dimensional latent, ε = −σ_t ∇log p_t in closed form, so the pipeline's score must equal
// the exact score), on the shipped model (two rendered scenes, a short solve, frames written and
// read back by independent readers), and on the tiny Stable Diffusion fixtures (prompts per image,
// the published estimator with its jitter).
#include <QImageReader>
#include <QTemporaryDir>
#include <QtTest>
#include <atomic>
#include <chrono>
#include <fstream>
#include <nlohmann/json.hpp>
#include <numeric>
#include <opencv2/videoio.hpp>
#include <torch/torch.h>

#include "measures/latent_path_measures.h"
#include "diffusion/diffusion_model.h"
#include "nn/image_tensor.h"
#include "nn/state_dict.h"
#include "diffusion/dpm_solver.h"
#include "pipeline/image_path_export.h"
#include "pipeline/image_pipeline.h"
#include "pipeline/latent_rgb_map.h"
#include "pipeline/model_path_score.h"
#include "pipeline/textual_inversion.h"
#include "pipeline/video_analysis.h"
#include "safetensors/safetensors.h"
#include "scenes/scene.h"
#include "sd/sd_model.h"
#include "sd_fixture_model.h"

using namespace geo;

namespace {

// Data x₀ ~ Σ w_k N(μ_k, s² I) in 4×16×16: at level t the marginal is Σ w_k N(√ᾱ μ_k, (ᾱ s² + σ²) I),
// so ε(x, t) = −σ ∇log p_t(x) exactly. Images are not its business: encode/decode are plain reshapes.
class MixtureNetworks final : public LatentNetworks {
public:
    MixtureNetworks(std::vector<at::Tensor> means, double var) : means_(std::move(means)), var_(var) {}
    at::Tensor predict(const at::Tensor& xt, const at::Tensor& steps) const override {
        rows += xt.size(0);
        const double ab = schedule_.alphaBar(static_cast<int>(steps[0].item<int64_t>())), sigma = std::sqrt(1 - ab);
        return -sigma * score(xt.to(torch::kDouble), ab).to(xt.scalar_type());
    }
    at::Tensor score(const at::Tensor& x, double ab) const {
        const double v = ab * var_ + (1 - ab);
        std::vector<at::Tensor> logits, diffs;
        for (const at::Tensor& m : means_) {
            const at::Tensor d = std::sqrt(ab) * m.to(torch::kDouble) - x;
            diffs.push_back(d);
            logits.push_back(-0.5 * d.pow(2).flatten(1).sum(1) / v);
        }
        const at::Tensor w = torch::softmax(torch::stack(logits, 1), 1);
        at::Tensor s = torch::zeros_like(x);
        for (size_t k = 0; k < means_.size(); ++k) s += w.select(1, static_cast<int64_t>(k)).view({-1, 1, 1, 1}) * diffs[k] / v;
        return s;
    }
    at::Tensor logDensity(const at::Tensor& x, double ab) const {  // up to a constant
        const double v = ab * var_ + (1 - ab);
        std::vector<at::Tensor> logits;
        for (const at::Tensor& m : means_) logits.push_back(-0.5 * (std::sqrt(ab) * m.to(torch::kDouble) - x).pow(2).flatten(1).sum(1) / v);
        return torch::logsumexp(torch::stack(logits, 1), 1);
    }
    at::Tensor encode(const at::Tensor& images) const override { return torch::adaptive_avg_pool2d(images, {16, 16}).repeat({1, 2, 1, 1}).slice(1, 0, 4); }
    at::Tensor decode(const at::Tensor& latents) const override { return torch::upsample_nearest2d(latents.slice(1, 0, 3), {64, 64}).clamp(-1, 1); }
    c10::Device device() const override { return torch::kCPU; }
    c10::ScalarType dtype() const override { return torch::kFloat; }

    mutable long long rows = 0;  // latents the network was evaluated on: the yardstick of the evaluation counts

private:
    std::vector<at::Tensor> means_;
    double var_;
    DiscreteSchedule schedule_;
};

std::filesystem::path shippedModel() { return qEnvironmentVariable("GEODESIC_MODEL_DIR").toStdString(); }

at::Tensor scenes(std::vector<uint64_t> seeds) {
    std::vector<RgbImage> images;
    for (uint64_t s : seeds) images.push_back(renderScene(randomScene(s)));
    return imagesToTensor(images);
}

// A short but complete solve: two levels of 30 iterations.
ImagePipelineOptions quick(const DiffusionModel& model) {
    ImagePipelineOptions o = defaultPipelineOptions(model);
    o.solver.levels = 2;
    o.solver.iterationsPerLevel = 30;
    o.solver.maxIterations = 60;
    o.framesPerPair = 5;
    return o;
}

}  // namespace

class TestImagePipeline : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void initTestCase() { useAllCoresForTorch(); }

    // The pipeline's score of an exact ε-model is the exact score at τ*, and the solved path is
    // shorter than the slerp in the exact tempered density (measured here, from the exact log p).
    void exactModelScoreAndShorterPath() {
        // Noised means: two endpoints and a bridge off their great circle, at the sphere's radius.
        const int tau = 581;
        const double ab = DiscreteSchedule().alphaBar(tau);
        auto gen = at::detail::createCPUGenerator(100);
        const at::Tensor m1 = torch::randn({4, 16, 16}, gen) * 0.15, m2 = torch::randn({4, 16, 16}, gen) * 0.15;
        at::Tensor n = torch::randn({4, 16, 16}, gen);
        for (const at::Tensor& u : {m1, m2}) n -= (n * u).sum() / (u * u).sum() * u;  // roughly orthogonal to both
        const double radius = 0.5 * (m1.norm().item<double>() + m2.norm().item<double>());
        const at::Tensor mid = (m1 + m2) / (m1 + m2).norm() * radius;
        const at::Tensor bridge = (mid + n / n.norm() * 1.2) / (mid + n / n.norm() * 1.2).norm() * radius;
        std::vector<at::Tensor> means{m1 / std::sqrt(ab), m2 / std::sqrt(ab), bridge / std::sqrt(ab)};
        auto nets = std::make_unique<MixtureNetworks>(means, 0.3);
        const MixtureNetworks* exact = nets.get();
        ModelDescription d;
        d.name = "exact mixture";
        auto model = std::make_shared<DiffusionModel>(std::move(nets), d, 64);
        const ModelPathScore score(model, {tau, 0, 0, 10});
        QCOMPARE(score.dim(), 1024);
        const at::Tensor x = torch::randn({3, 4, 16, 16}, at::detail::createCPUGenerator(7)).to(torch::kDouble);
        const Points s = score.score(latentsToPoints(x), {0, 0.5, 1}, PathScore::kDeterministic, {});
        const Points want = latentsToPoints(exact->score(x, ab));
        // float32 network arithmetic: 1e-4 relative.
        QVERIFY2((s - want).norm() < 1e-4 * want.norm(), qPrintable(QString::number((s - want).norm() / want.norm())));

        // Endpoints at two noised means, solved on the sphere with α = 1 (the exact score).
        const Eigen::VectorXd a = latentsToPoints(m1.unsqueeze(0)).row(0).transpose(), b = latentsToPoints(m2.unsqueeze(0)).row(0).transpose();
        LatentBvpOptions o;
        o.alpha = 1;
        o.method = LatentBvpMethod::Implicit;
        const LatentBvpResult r = solveLatentBvp(score, a, b, o);
        std::vector<double> t;
        for (int i = 0; i <= 64; ++i) t.push_back(i / 64.0);
        DyadicSlerpPath slerpPath(r.path.position(0), r.path.position(1));
        const auto exactLogLength = [&](const Points& p) {  // the polyline's length with the exact log p (relative)
            const at::Tensor lp = exact->logDensity(pointsToLatents(p, {4, 16, 16}).to(torch::kDouble), ab);
            Eigen::VectorXd l(p.rows());
            for (Eigen::Index i = 0; i < p.rows(); ++i) l[i] = lp[i].item<double>() - lp[0].item<double>();
            double best = -INFINITY, sum = 0;
            std::vector<double> terms;
            for (Eigen::Index i = 0; i + 1 < p.rows(); ++i) terms.push_back(std::log((p.row(i + 1) - p.row(i)).norm()) - 0.5 * (l[i] + l[i + 1])), best = std::max(best, terms.back());
            for (double v : terms) sum += std::exp(v - best);
            return best + std::log(sum);
        };
        const double ours = exactLogLength(r.path.positions(t)), baseline = exactLogLength(slerpPath.positions(t));
        qInfo("exact log lengths: geodesic %.4f, slerp %.4f", ours, baseline);
        QVERIFY(ours < baseline - 0.1);  // at least 10% shorter
    }

    // The evaluations by stage against the network's own count of the latents it was given, with the
    // default sampling (DPM-Solver++ up and down) and with previews drawn at every solver snapshot:
    // the path's previews cost nothing, the slerp's one evaluation per point once per pair.
    void evaluationsByStageAreTheNetworksOwnCount() {
        auto gen = at::detail::createCPUGenerator(5);
        std::vector<at::Tensor> means{torch::randn({4, 16, 16}, gen) * 0.5, torch::randn({4, 16, 16}, gen) * 0.5};
        auto nets = std::make_unique<MixtureNetworks>(means, 0.3);
        const MixtureNetworks* counted = nets.get();
        ModelDescription d;
        d.name = "exact mixture";
        auto model = std::make_shared<DiffusionModel>(std::move(nets), d, 64);
        const at::Tensor images = scenes({1000000000, 1000000001, 1000000002});
        ImagePipelineOptions o = quick(*model);
        o.solver.method = LatentBvpMethod::Implicit;  // auto sampling: DPM-Solver++
        const std::vector<double> ts{0, 0.25, 0.5, 0.75, 1};
        int previews = 0;
        const ImagePath r = interpolateImages(model, images, o, {}, [&](const PipelineProgress& p) {
            if (!p.preview) return;
            const PathPreview baseline = (*p.preview)(ts, true), path = (*p.preview)(ts, false);
            QCOMPARE(path.frames.size(0), int64_t{5});
            QCOMPARE(path.frames.size(2), int64_t{64});
            QCOMPARE(path.evaluations, 0LL);  // after the slerp's, which paid for the ends
            QCOMPARE(baseline.evaluations, 5LL);
            QCOMPARE(path.logDensity.front(), 0.0);
            ++previews;
        });
        QVERIFY(previews > 10);
        const EvaluationsByStage& e = r.evaluations;
        qInfo("by stage: inversion %lld, solve %lld, decode %lld, measure %lld, preview %lld; the network saw %lld latents (%s)", e.inversion, e.solve,
              e.decode, e.measure, e.preview, counted->rows, r.sampling.c_str());
        QCOMPARE(e.total(), counted->rows);
        const long long up = 30;  // the published DDIM inversion to 581
        const long long down = static_cast<long long>(dpmSolverTimesteps(model->schedule(), r.timestep, o.decodeSteps).size());
        QCOMPARE(e.inversion, 3 * up);
        QCOMPARE(e.decode, 2 * 9 * down);  // the geodesic's 9 frames and the slerp's
        QCOMPARE(e.preview, 5LL * previews);
        QCOMPARE(e.solve, std::accumulate(r.evaluationsPerLevel.begin(), r.evaluationsPerLevel.end(), 0LL) + 2 * 2);  // and each pair's ends
        QCOMPARE(r.sampling, "DDIM 30 steps up, DPM-Solver++(2M) " + std::to_string(down) + " down");
        const nlohmann::json j = imagePathJson(r);
        QCOMPARE(j["unet_evaluations"].get<long long>(), counted->rows);
        long long sum = 0;
        for (const char* stage : {"inversion", "solve", "decode", "measure", "preview"}) sum += j["unet_evaluations_by_stage"][stage].get<long long>();
        QCOMPARE(sum, counted->rows);
    }

    // The preview map against a decoder that is itself linear and local (a 3×3 convolution to 4×4
    // blocks of pixels, written with torch's conv2d and pixel_shuffle: not the map's own im2col):
    // fitted on two latents, it reproduces a third to the ridge's bias (1e-3 of the mean diagonal,
    // so ~1e-3 relative). On the shipped model's decoder, which is not linear, it states its accuracy.
    void latentRgbMapRecoversALinearDecoder() {
        auto gen = at::detail::createCPUGenerator(9);
        const at::Tensor kernel = torch::randn({48, 4, 3, 3}, gen) * 0.02, bias = torch::randn({48}, gen) * 0.02;
        const auto decoder = [&](const at::Tensor& z) { return torch::pixel_shuffle(torch::conv2d(z, kernel, bias, 1, 1), 4); };
        const at::Tensor train = torch::randn({2, 4, 16, 16}, gen), test = torch::randn({1, 4, 16, 16}, gen);
        QVERIFY(decoder(train).abs().max().item<double>() < 1);  // inside [−1, 1]: the clamp plays no part
        const LatentRgbMap map = LatentRgbMap::fit(train, decoder(train));
        const at::Tensor want = decoder(test), got = map.apply(test);
        QCOMPARE(got.sizes(), want.sizes());
        const double rel = ((got - want).norm() / want.norm()).item<double>();
        qInfo("linear decoder recovered to %.2e relative", rel);
        QVERIFY(rel < 5e-3);
        QVERIFY_THROWS_EXCEPTION(InputError, LatentRgbMap::fit(train, torch::zeros({2, 3, 60, 60})));

        const auto model = DiffusionModel::load(shippedModel());
        const at::Tensor keyframes = scenes({1000000000, 1000000001}), others = scenes({1000000002, 1000000003});
        const LatentRgbMap shipped = LatentRgbMap::fit(model->encode(keyframes), keyframes);
        const at::Tensor latents = model->encode(others);
        const double own = psnr(shipped.apply(model->encode(keyframes)), keyframes), other = psnr(shipped.apply(latents), model->decode(latents));
        qInfo("shipped model: the map against the images it was fitted on %.2f dB, against the decoder on two other scenes %.2f dB", own, other);
        QVERIFY(own > 18 && other > 15);
    }

    void shippedModelInterpolatesTwoScenes() {
        const auto model = DiffusionModel::load(shippedModel());
        const at::Tensor images = scenes({1000000000, 1000000001});
        ImagePipelineOptions o = quick(*model);
        o.jitterRange = 100;  // the stochastic score: determinism must come from the seed
        o.seed = 3;
        o.solver.method = LatentBvpMethod::Published;
        o.solver.earlySwitch = false;  // every level to its threshold: 30 + 30 snapshots
        int snapshots = 0, lastLevel = 0;
        const ImagePath r = interpolateImages(model, images, o, {}, [&](const PipelineProgress& p) {
            if (p.solver) ++snapshots, lastLevel = p.solver->level;
        });
        QCOMPARE(snapshots, 60);
        QCOMPARE(lastLevel, 2);
        // The published solver samples as published: DDIM, 30 steps each way to 581.
        QCOMPARE(r.sampling, std::string("published: DDIM, 30 steps up, 30 down"));
        QCOMPARE(r.evaluations.inversion, 2 * 30LL);
        QCOMPARE(r.evaluations.decode, 2 * 5 * 30LL);
        QCOMPARE(r.evaluations.preview, 0LL);
        QCOMPARE(static_cast<int>(r.t.size()), 5);
        QCOMPARE(r.keyframes, (std::vector<int>{0, 4}));
        QCOMPARE(r.frames.size(0), 5);
        QCOMPARE(r.timestep, 581);
        // The endpoints reconstruct the inputs (the DDIM round trip at 581 is ~35 dB on held-out scenes;
        // the sphere rescaling moves each endpoint a little).
        for (int k : {0, 1}) {
            const double db = psnr(r.frames[k == 0 ? 0 : 4], images[k]);
            qInfo("endpoint %d: %.2f dB", k, db);
            QVERIFY(db > 25);
        }
        // Every latent on the sphere, the baseline's too; densities start at 0.
        for (const at::Tensor& l : {r.latents, r.baselineLatents})
            for (int64_t i = 0; i < l.size(0); ++i) QVERIFY(std::abs(l[i].norm().item<double>() - r.radius) < 1e-4 * r.radius);
        QCOMPARE(r.path.logDensity.front(), 0.0);
        QVERIFY(std::isfinite(r.path.logLength) && std::isfinite(r.baseline.logLength));
        // Same seed, same frames, bit for bit.
        const ImagePath again = interpolateImages(model, images, o);
        QVERIFY(torch::equal(again.frames, r.frames));
        QVERIFY(torch::equal(again.latents, r.latents));

        // Export, read back by independent readers.
        QTemporaryDir dir;
        ImagePathExport e;
        e.folder = dir.filePath("out").toStdString();
        e.json = dir.filePath("path.json").toStdString();
        e.latents = dir.filePath("latents.safetensors").toStdString();
        e.gif = dir.filePath("a.gif").toStdString();
        e.mp4 = dir.filePath("a.mp4").toStdString();
        e.animation.hold = 2;
        e.animation.pingPong = true;
        e.animation.loop = true;
        e.animation.width = 96;
        e.animation.height = 96;
        exportImagePath(r, e);
        for (int i = 0; i < 5; ++i) {
            QVERIFY(QImage(dir.filePath(QString("out/frame_%1.png").arg(i, 3, 10, QChar('0')))).size() == QSize(64, 64));
            QVERIFY(QFile::exists(dir.filePath(QString("out/baseline/frame_%1.png").arg(i, 3, 10, QChar('0')))));
        }
        QCOMPARE(QImage(dir.filePath("out/strip.png")).height(), 2 * 64 + 2);
        // 5 frames, keyframes held twice more: 9; ping-pong adds 7 back.
        QImageReader gif(dir.filePath("a.gif"));
        QCOMPARE(gif.imageCount(), 16);
        QCOMPARE(gif.size(), QSize(96, 96));
        QCOMPARE(gif.loopCount(), -1);  // forever
        cv::VideoCapture mp4(dir.filePath("a.mp4").toStdString());
        QVERIFY(mp4.isOpened());
        int count = 0;
        cv::Mat f;
        while (mp4.read(f)) {
            ++count;
            QCOMPARE(f.cols, 96);
        }
        QCOMPARE(count, 16);
        std::ifstream js(dir.filePath("path.json").toStdString());
        const nlohmann::json j = nlohmann::json::parse(js);
        for (const char* key : {"frames", "t", "keyframes", "noise_level", "timestep", "alpha", "sphere_radius", "length", "log_density", "residual",
                                "baseline_length", "baseline_log_density", "iterations", "unet_evaluations", "seconds", "seed", "model"})
            QVERIFY2(j.contains(key), key);
        QCOMPARE(j["frames"].size(), size_t{5});
        const SafetensorsFile lat(e.latents);
        QCOMPARE(lat.at("path").shape, (std::vector<int64_t>{5, 4, 16, 16}));
        QCOMPARE(lat.at("baseline").shape, (std::vector<int64_t>{5, 4, 16, 16}));
        QCOMPARE(lat.metadata().at("timestep"), std::string("581"));
        QVERIFY(QDir(dir.filePath("out")).entryList(QDir::Hidden | QDir::Dirs | QDir::NoDotAndDotDot).filter(QRegularExpression("partial")).isEmpty());
    }

    void threeImagesMakeOneChain() {
        const auto model = DiffusionModel::load(shippedModel());
        ImagePipelineOptions o = quick(*model);
        o.solver.maxIterations = 20;
        o.solver.iterationsPerLevel = 10;
        o.solver.halvingsToNextLevel = 1000;  // every level its whole budget: 20 iterations per pair
        const ImagePath r = interpolateImages(model, scenes({5, 6, 7}), o);
        QCOMPARE(static_cast<int>(r.t.size()), 9);
        QCOMPARE(r.keyframes, (std::vector<int>{0, 4, 8}));
        QCOMPARE(r.t[4], 1.0);
        QCOMPARE(r.t[8], 2.0);
        QCOMPARE(r.iterations, 40);
    }

    void extrapolationContinuesPastTheLastImage() {
        const auto model = DiffusionModel::load(shippedModel());
        ImagePipelineOptions o = quick(*model);
        ExtrapolationOptions x;
        x.past = ExtrapolationSide::Both;
        x.frames = 3;
        x.stepsPerFrame = 2;
        x.length = 0.3;
        const ImagePath r = extrapolateImages(model, scenes({11, 12}), o, x);
        QCOMPARE(static_cast<int>(r.t.size()), 3 + 5 + 3);
        QCOMPARE(r.keyframes, (std::vector<int>{3, 7}));
        QVERIFY(std::abs(r.t.front() + 0.3) < 1e-12 && std::abs(r.t.back() - 1.3) < 1e-12);
        QCOMPARE(r.path.logDensity[3], 0.0);  // relative to the first keyframe
        for (int64_t i = 0; i < r.latents.size(0); ++i) QVERIFY(std::abs(r.latents[i].norm().item<double>() - r.radius) < 1e-4 * r.radius);
    }

    void cancelStopsWithinATenthOfASecond() {
        const auto model = DiffusionModel::load(shippedModel());
        std::atomic<bool> cancel{false};
        std::chrono::steady_clock::time_point raised;
        QVERIFY_THROWS_EXCEPTION(Cancelled, interpolateImages(model, scenes({1, 2}), defaultPipelineOptions(*model), SolveControl{&cancel},
                                                               [&](const PipelineProgress& p) {
                                                                   if (p.solver && p.solver->iteration == 30 && !cancel) raised = std::chrono::steady_clock::now(), cancel = true;
                                                               }));
        qInfo("cancel honoured after %.1f ms", std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - raised).count());
    }

    void badInputsAreRefused() {
        const auto model = DiffusionModel::load(shippedModel());
        ImagePipelineOptions o = quick(*model);
        QVERIFY_THROWS_EXCEPTION(InputError, interpolateImages(model, scenes({1}), o));
        o.noiseLevel = 1.2;
        QVERIFY_THROWS_EXCEPTION(InputError, interpolateImages(model, scenes({1, 2}), o));
        o = quick(*model);
        o.framesPerPair = 1;
        QVERIFY_THROWS_EXCEPTION(InputError, interpolateImages(model, scenes({1, 2}), o));
        o = quick(*model);
        o.prompts = {"a cube"};
        QVERIFY_THROWS_EXCEPTION(InputError, interpolateImages(model, scenes({1, 2}), o));  // the shipped model takes no text
    }

    // Textual inversion on the tiny fixtures: the noise-prediction loss on a fixed set of timesteps and
    // noises (drawn here, not by the optimiser) falls, and a second run reads the cache.
    void textualInversionLowersTheLossAndIsCached() {
        QTemporaryDir dir;
        assembleTinySd(dir.filePath("sd").toStdString());
        const auto model = loadStableDiffusion(dir.filePath("sd").toStdString(), ComputeOptions{"cpu", "float32", 64}, {});
        const at::Tensor z0 = model->encode(scenes({3}));
        TextualInversionOptions o;
        o.steps = 60;
        o.learningRate = 0.02;
        o.cacheDir = dir.filePath("cache").toStdString();
        const TextualInversion r = invertPrompt(*model, z0, "a red cube", o);
        QCOMPARE(static_cast<int>(r.losses.size()), 60);
        QVERIFY(!r.fromCache && std::filesystem::exists(r.cacheFile));
        const auto heldLoss = [&](const at::Tensor& c) {
            auto gen = at::detail::createCPUGenerator(99);
            double total = 0;
            for (int tau : {50, 250, 450, 650, 850}) {
                const at::Tensor e = torch::randn(z0.sizes(), gen);
                const double ab = model->schedule().alphaBar(tau);
                total += torch::mse_loss(model->epsilonWith(std::sqrt(ab) * z0 + std::sqrt(1 - ab) * e, tau, c), e).item<double>();
            }
            return total / 5;
        };
        const double before = heldLoss(model->textEmbedding("a red cube")), after = heldLoss(r.embedding);
        qInfo("held-out noise loss %.5f before, %.5f after 60 steps", before, after);
        QVERIFY(after < before);
        const TextualInversion again = invertPrompt(*model, z0, "a red cube", o);
        QVERIFY(again.fromCache && again.losses.empty());
        QVERIFY(torch::equal(again.embedding, r.embedding));
        // Another prompt is another cache entry.
        o.steps = 2;
        QVERIFY(!invertPrompt(*model, z0, "a blue cube", o).fromCache);
    }

    // §7's joint inversion over a video's frames: one embedding, drawn against every frame's latent,
    // lowers the held-out noise loss averaged over all of them (fixed timesteps and noises drawn here);
    // a video analysis with it measures every path under that one condition, and a second run reads it
    // from the cache.
    void jointTextualInversionOverFrames() {
        QTemporaryDir dir;
        assembleTinySd(dir.filePath("sd").toStdString());
        const auto model = loadStableDiffusion(dir.filePath("sd").toStdString(), ComputeOptions{"cpu", "float32", 64}, {});
        const at::Tensor frames = imagesToTensor(renderSceneVideo(11, 4, 64));
        const at::Tensor z0 = model->encode(frames);
        TextualInversionOptions o;
        o.steps = 60;
        o.learningRate = 0.02;
        o.cacheDir = dir.filePath("cache").toStdString();
        const TextualInversion r = invertPrompt(*model, z0, "a red cube", o);
        const auto heldLoss = [&](const at::Tensor& c) {
            auto gen = at::detail::createCPUGenerator(99);
            double total = 0;
            for (int64_t f = 0; f < z0.size(0); ++f)
                for (int tau : {50, 350, 650, 950}) {
                    const at::Tensor e = torch::randn({1, z0.size(1), z0.size(2), z0.size(3)}, gen);
                    const double ab = model->schedule().alphaBar(tau);
                    total += torch::mse_loss(model->epsilonWith(std::sqrt(ab) * z0.slice(0, f, f + 1) + std::sqrt(1 - ab) * e, tau, c), e).item<double>();
                }
            return total / (4.0 * z0.size(0));
        };
        const double before = heldLoss(model->textEmbedding("a red cube")), after = heldLoss(r.embedding);
        qInfo("held-out noise loss over 4 frames %.5f before, %.5f after 60 joint steps", before, after);
        QVERIFY(after < before);

        VideoAnalysisOptions va = defaultVideoAnalysisOptions(*model);
        va.pipeline.prompts = {"a red cube"};
        va.pipeline.textualInversionSteps = 3;
        va.pipeline.textualInversionCache = dir.filePath("cache").toStdString();
        va.pipeline.ddimSteps = 10;
        va.optimise.iterations = 2;
        va.optimise.minIterations = 0;
        va.decode = false;
        const VideoAnalysis first = analyseVideo(model, frames, va);
        QCOMPARE(first.paths.size(), size_t(7));
        for (const AnalysedPath& p : first.paths) QVERIFY2(std::isfinite(p.terms.meanResidual), p.name.c_str());
        const VideoAnalysis second = analyseVideo(model, frames, va);
        bool read = false;
        for (const std::string& w : second.warnings) read |= w.find("joint textual inversion of all 4 images read from") != std::string::npos;
        QVERIFY(read);
        QCOMPARE(second.path("video").terms.meanResidual, first.path("video").terms.meanResidual);  // the same condition
        QVERIFY(second.unetEvaluations < first.unetEvaluations);
    }

    // Stable Diffusion's path: prompts per image, the published estimator (conditional and negative
    // rows, jitter), per-frame conditions in the decode. Tiny random networks: only the mechanics.
    void tinyStableDiffusionWithPrompts() {
        QTemporaryDir dir;
        assembleTinySd(dir.filePath("sd").toStdString());
        const auto model = loadStableDiffusion(dir.filePath("sd").toStdString(), ComputeOptions{"cpu", "float32", 64}, {});
        ImagePipelineOptions o = quick(*model);
        QCOMPARE(o.jitterRange, 100);
        QCOMPARE(o.solver.alpha, 0.002);
        o.prompts = {"a red cube", "a blue sphere"};
        o.solver.maxIterations = 10;
        o.solver.iterationsPerLevel = 5;
        long long points = 0;
        const ImagePath r = interpolateImages(model, scenes({1, 2}), o, {}, [&](const PipelineProgress& p) {
            if (p.solver) points += static_cast<long long>(p.solver->evaluatedT.size());
        });
        QCOMPARE(r.frames.size(0), 5);
        QVERIFY(at::isfinite(r.frames).all().item<bool>());
        // Two network rows per point (conditional and negative) in the solver.
        QCOMPARE(r.evaluationsPerLevel[0] + r.evaluationsPerLevel[1], 2 * points);
        // With textual inversion first (3 steps per image): the pipeline runs, a rerun reads the cache.
        o.textualInversionSteps = 3;
        o.textualInversionCache = dir.filePath("ti").toStdString();
        QVERIFY(interpolateImages(model, scenes({1, 2}), o).warnings.empty());
        QCOMPARE(interpolateImages(model, scenes({1, 2}), o).warnings.size(), size_t{2});  // "read from" the cache, per image
        o.prompts = {"a", "b", "c"};
        QVERIFY_THROWS_EXCEPTION(InputError, interpolateImages(model, scenes({1, 2}), o));
        // The per-call condition does not touch the model's default one.
        const at::Tensor z = torch::randn({2, 4, 8, 8}, at::detail::createCPUGenerator(1));
        const at::Tensor before = model->epsilon(z, 500);
        model->epsilonWith(z, 500, model->textEmbedding("something else"));
        QVERIFY(torch::equal(model->epsilon(z, 500), before));
    }
};

QTEST_APPLESS_MAIN(TestImagePipeline)
#include "test_image_pipeline.moc"
