// core's image run (core/image_run) on the shipped model, short solves: it is the density pipeline
// it wraps (the same frames, tensor for tensor, as interpolateImages with the same options, whatever
// the previews cost), its snapshots arrive in stage order with a share done that only grows, previews
// come at every solver level when asked for and never when not, "both" hands the finished density
// result over once before the spacetime solves, and its export lays out what the window's writes.
#include <QTemporaryDir>
#include <QtTest>
#include <fstream>
#include <nlohmann/json.hpp>
#include <set>
#include <torch/torch.h>

#include "diffusion/diffusion_model.h"
#include "image_run/image_run.h"
#include "image_run/image_run_export.h"
#include "nn/image_tensor.h"
#include "nn/state_dict.h"
#include "pipeline/image_pipeline.h"
#include "scenes/scene.h"

using namespace geo;

namespace {

std::shared_ptr<const DiffusionModel> shipped() {
    static const auto model = DiffusionModel::load(qEnvironmentVariable("GEODESIC_MODEL_DIR").toStdString(), ComputeOptions{"cpu", "float32", 64});
    return model;
}

at::Tensor scenes(std::vector<uint64_t> seeds) {
    std::vector<RgbImage> images;
    for (uint64_t s : seeds) images.push_back(renderScene(randomScene(s)));
    return imagesToTensor(images);
}

// Two bisection levels of 30 iterations, five frames per pair, two spacetime steps.
ImageRunOptions quick(Geometry geometry) {
    ImageRunOptions o = defaultImageRunOptions(*shipped());
    o.geometry = geometry;
    o.density.solver.levels = 2;
    o.density.solver.iterationsPerLevel = 30;
    o.density.solver.maxIterations = 60;
    o.density.framesPerPair = 5;
    o.density.seed = 5;
    o.spacetimeSteps = 2;
    o.spacetimeProbes = 1;
    o.cadence.seconds = 0;  // a preview at every chance the cadence allows, so the test sees many
    o.cadence.share = 1;
    return o;
}

struct Watched {
    std::vector<ImageRunSnapshot> snapshots;
    ImageRunCallback callback() {
        return [this](const ImageRunSnapshot& s) { snapshots.push_back(s); };
    }
};

}  // namespace

class TestImageRun : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void initTestCase() { useAllCoresForTorch(); }

    // The run's density geodesic is interpolateImages' (the independent path through the pipeline
    // without any snapshot or preview): exact equality, since previews only read the model.
    void densityRunIsThePipelineAndPreviewsEveryLevel() {
        const at::Tensor images = scenes({1000000010, 1000000011});
        Watched w;
        const ImageRunResult r = runImages(shipped(), images, quick(Geometry::Density), {}, w.callback());
        const ImagePath reference = interpolateImages(shipped(), images, quick(Geometry::Density).density);
        QVERIFY(r.density && !r.spacetime);
        QVERIFY(torch::equal(r.density->frames, reference.frames));
        QVERIFY(torch::equal(r.density->latents, reference.latents));
        QCOMPARE(r.density->path.logDensity, reference.path.logDensity);
        QCOMPARE(r.frameResidual.size(), size_t{5});
        QCOMPARE(r.map.path.rows(), Eigen::Index{5});
        QCOMPARE(r.map.keyframes.rows(), Eigen::Index{2});

        std::set<int> levels, previewed;
        double fraction = 0;
        RunStage last = RunStage::Encode;
        for (const ImageRunSnapshot& s : w.snapshots) {
            QVERIFY2(static_cast<int>(s.stage) >= static_cast<int>(last), stageName(s.stage).c_str());  // Encode … Solve … Decode … Measure
            last = s.stage;
            QVERIFY(s.fraction >= fraction - 1e-12 && s.fraction <= 1 + 1e-12);
            fraction = s.fraction;
            if (s.stage != RunStage::Solve) continue;
            levels.insert(s.level);
            QVERIFY(s.map.path.rows() > 0);  // every solver snapshot carries the map
            if (s.previewPair < 0) continue;
            previewed.insert(s.level);
            QCOMPARE(s.pathPreview.frames.size(0), int64_t{5});
            QCOMPARE(s.baselinePreview.frames.size(0), int64_t{5});
            QCOMPARE(s.pathPreview.t.size(), size_t{5});
            QCOMPARE(s.baselinePreview.t, s.pathPreview.t);
        }
        QCOMPARE(levels, (std::set<int>{1, 2}));
        QCOMPARE(previewed, levels);
        QCOMPARE(last, RunStage::Measure);
        QCOMPARE(fraction, 1.0);
        // What the previews cost: the path's nothing, the slerp's one evaluation per point, once.
        const EvaluationsByStage &seen = r.density->evaluations, &plain = reference.evaluations;
        QCOMPARE(seen.preview, 5LL);
        QCOMPARE(plain.preview, 0LL);
        QCOMPARE(seen.total() - seen.preview, plain.total());
    }

    // The plan a run announces against what it spent: with the solver held to its whole budget
    // (published, no early switch) every stage is exact, and the time left ends with the measuring's.
    void thePlannedEvaluationsAreTheRunsOwn() {
        const at::Tensor images = scenes({1000000010, 1000000011, 1000000012});
        ImageRunOptions o = quick(Geometry::Density);
        o.density.solver.method = LatentBvpMethod::Published;
        o.density.solver.earlySwitch = false;
        Watched w;
        const ImageRunResult r = runImages(shipped(), images, o, {}, w.callback());
        const EvaluationsByStage &plan = w.snapshots.back().plannedEvaluations, &spent = r.density->evaluations;
        qInfo("planned %lld (inversion %lld, solve %lld, decode %lld, measure %lld, preview %lld), spent %lld", plan.total(), plan.inversion, plan.solve,
              plan.decode, plan.measure, plan.preview, spent.total());
        QCOMPARE(plan.inversion, spent.inversion);
        QCOMPARE(plan.solve, spent.solve);
        QCOMPARE(plan.solve, 2 * (30 * 1 + 30 * 3LL));
        QCOMPARE(plan.decode, spent.decode);
        QCOMPARE(plan.measure, spent.measure);
        QCOMPARE(plan.preview, spent.preview);
        bool estimatedBeforeTheSolve = false;
        for (const ImageRunSnapshot& s : w.snapshots)
            if (s.stage == RunStage::Invert && std::isfinite(s.secondsLeft)) estimatedBeforeTheSolve = s.secondsLeft > 0 && s.secondsPerEvaluation > 0;
        QVERIFY(estimatedBeforeTheSolve);
        // The last snapshot comes as the measuring begins: what is left is exactly the measuring.
        const ImageRunSnapshot& last = w.snapshots.back();
        QCOMPARE(last.stage, RunStage::Measure);
        QCOMPARE(last.secondsLeft, static_cast<double>(plan.measure) * last.secondsPerEvaluation);
    }

    // The same for a shot past both ends: the shots' RK4 evaluations are planned exactly, and the time
    // left while shooting counts what the shots still have to do.
    void thePlannedShotsAreTheRunsOwn() {
        const at::Tensor images = scenes({1000000010, 1000000011});
        ImageRunOptions o = quick(Geometry::Density);
        o.density.solver.method = LatentBvpMethod::Published;
        o.density.solver.earlySwitch = false;
        o.extrapolate = true;
        o.extrapolation.past = ExtrapolationSide::Both;
        o.extrapolation.frames = 2;
        o.extrapolation.stepsPerFrame = 2;
        Watched w;
        const ImageRunResult r = runImages(shipped(), images, o, {}, w.callback());
        const EvaluationsByStage &plan = w.snapshots.back().plannedEvaluations, &spent = r.density->evaluations;
        QCOMPARE(plan.solve, spent.solve);
        QCOMPARE(plan.solve, 30 * 1 + 30 * 3 + 2 * 2 * 2 * 4LL);  // the solve's budget, then 2 shots of 2 × 2 RK4 steps
        QCOMPARE(plan.decode, spent.decode);
        QCOMPARE(plan.measure, spent.measure);
        double leftAtFirstShot = NAN, leftAtLastShot = NAN;
        for (const ImageRunSnapshot& s : w.snapshots) {
            if (s.stage != RunStage::Shoot) continue;
            if (std::isnan(leftAtFirstShot)) leftAtFirstShot = s.secondsLeft / s.secondsPerEvaluation;
            leftAtLastShot = s.secondsLeft / s.secondsPerEvaluation;
        }
        // In evaluations: after the first shot's first step (4 of its 16) 28 of the shots' 32 remain,
        // with decoding and measuring; after the last shot's last step only those two.
        QCOMPARE(std::llround(leftAtFirstShot), 28 + plan.decode + plan.measure);
        QCOMPARE(std::llround(leftAtLastShot), plan.decode + plan.measure);
    }

    // A front end that shows nothing (the CLI) asks for no previews and no map: none comes, and the
    // frames do not change.
    void noPreviewsWhenNoneAreWanted() {
        const at::Tensor images = scenes({1000000010, 1000000011});
        ImageRunOptions o = quick(Geometry::Density);
        o.cadence.previews = o.cadence.map = false;
        Watched w;
        const ImageRunResult r = runImages(shipped(), images, o, {}, w.callback());
        for (const ImageRunSnapshot& s : w.snapshots) {
            QCOMPARE(s.previewPair, -1);
            QCOMPARE(s.map.path.rows(), Eigen::Index{0});
        }
        QVERIFY(torch::equal(r.density->frames, interpolateImages(shipped(), images, o.density).frames));
    }

    // Both geometries: the density result goes out once, with the first spacetime snapshot; the
    // spacetime chain through three keyframes has one curve point per frame, the pairs joined.
    void bothGeometriesHandTheDensityResultOverOnce() {
        const at::Tensor images = scenes({1000000020, 1000000021, 1000000022});
        Watched w;
        const ImageRunResult r = runImages(shipped(), images, quick(Geometry::Both), {}, w.callback());
        QVERIFY(r.density && r.spacetime);
        QCOMPARE(r.density->frames.size(0), int64_t{9});
        QCOMPARE(r.spacetime->path.points.rows(), Eigen::Index{9});
        QCOMPARE(r.spacetime->path.means.size(0), int64_t{9});
        QCOMPARE(r.spacetime->pairDistance.size(), size_t{2});
        QCOMPARE(r.spacetime->t.front(), 0.0);
        QCOMPARE(r.spacetime->t.back(), 2.0);
        int handedOver = 0;
        bool spacetimeSeen = false;
        for (const ImageRunSnapshot& s : w.snapshots) {
            if (s.densityResult) {
                ++handedOver;
                QVERIFY(!spacetimeSeen && s.stage == RunStage::Spacetime);
                QVERIFY(torch::equal(s.densityResult->density->frames, r.density->frames));
            }
            if (s.stage == RunStage::Spacetime) {
                spacetimeSeen = true;
                QVERIFY(s.fraction >= 0.5 - 1e-12);
            } else {
                QVERIFY(s.fraction <= 0.5 + 1e-12);
            }
        }
        QCOMPARE(handedOver, 1);

        // The export: the density path in the folder, the spacetime geodesic in spacetime/, one JSON
        // with both geometries' numbers.
        QTemporaryDir dir;
        const std::filesystem::path out = dir.filePath("out").toStdString();
        const ImagePathExport e = folderExport(r, out, true, false, false);
        exportImageRun(r, e);
        for (const char* f : {"frame_008.png", "baseline/frame_008.png", "strip.png", "path.json", "spacetime/frame_008.png", "spacetime/noisy/frame_008.png",
                              "spacetime/points.safetensors", "spacetime/spacetime.json"})
            QVERIFY2(std::filesystem::exists(out / f), f);
        QVERIFY(!std::filesystem::exists(out / "frame_009.png"));
        std::ifstream f(out / "path.json");
        const nlohmann::json j = nlohmann::json::parse(f);
        QCOMPARE(j["spacetime"]["edit_distance"].get<double>(), r.spacetime->path.editDistance);
        QCOMPARE(j["length"].get<double>(), std::exp(r.density->path.logLength));
        for (const auto& entry : std::filesystem::directory_iterator(out)) QVERIFY2(entry.path().filename().string().rfind(".partial", 0) != 0, "a stage was left");
    }

    void optionsThatCannotRunTogetherAreRefused() {
        ImageRunOptions o = quick(Geometry::Spacetime);
        o.extrapolate = true;
        QVERIFY_THROWS_EXCEPTION(InputError, runImages(shipped(), scenes({1, 2}), o));
        QVERIFY_THROWS_EXCEPTION(InputError, runImages(shipped(), scenes({1}), quick(Geometry::Density)));
        QVERIFY_THROWS_EXCEPTION(InputError, parseGeometry("curved"));
        ImageRunResult nothing;
        QVERIFY_THROWS_EXCEPTION(InputError, exportImageRun(nothing, ImagePathExport{"/tmp/never-written"}));
        QVERIFY(!std::filesystem::exists("/tmp/never-written"));
    }
};

QTEST_MAIN(TestImageRun)
#include "test_image_run.moc"
