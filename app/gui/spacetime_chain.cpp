#include "spacetime_chain.h"

#include <ATen/ATen.h>

#include <chrono>

#include "image_convert.h"
#include "nn/image_tensor.h"
#include "pipeline/spacetime_images.h"

namespace {

using Clock = std::chrono::steady_clock;
constexpr double kPreviewSeconds = 1.0;    // between previews of the means within a pair
constexpr double kPreviewShare = 0.25;     // of the solve's time, at most, for previews
constexpr double kSnapshotSeconds = 0.05;  // between snapshots without a preview

QVector<double> lambdaOf(const Eigen::MatrixXd& points) {
    QVector<double> l;
    for (Eigen::Index i = 0; i < points.rows(); ++i) l << points(i, 0);
    return l;
}

// The pair's own share done, 0 … 1: inversion 5 %, the solve 85 % (its step budget; the stopping
// rule may end it sooner), the frames 10 %.
double pairFraction(const geo::SpacetimeImageProgress& p) {
    const double part = p.total > 0 ? double(p.done) / p.total : 0;
    if (p.stage == "invert") return 0.05 * part;
    if (p.stage == "frames") return 0.9 + 0.1 * part;
    return 0.05 + 0.85 * part;
}

}  // namespace

SpacetimeRunResult solveSpacetimeChain(const std::shared_ptr<geo::DiffusionModel>& model, const at::Tensor& images, const QStringList& prompts,
                                       const ImageRunSettings& s, const geo::SolveControl& control, const ModelService::Reporter& publisher,
                                       RunShare share, double secondsBefore, ImageRunResultPtr first) {
    const auto start = Clock::now();
    const int pairs = static_cast<int>(images.size(0)) - 1;
    geo::SpacetimeImageOptions o;  // λ = 2 at the ends, as published
    geo::setCurvePoints(o, s.framesPerPair);  // one column per density frame, as `spacetime images --points`
    o.coarseSteps = s.spacetimeSteps;
    o.probes = s.spacetimeProbes;
    o.seed = s.seed;
    o.ddimSteps = s.ddimSteps;
    std::vector<geo::SpacetimeImagePath> solved;
    QVector<double> pairDistance;
    auto lastSnapshot = Clock::now() - std::chrono::hours(1), lastPreview = lastSnapshot;
    double previewSeconds = 0;
    int previewedPair = -1;
    std::string lastStage;
    // One posterior for the whole chain (a text model's: the first keyframe's caption), so that each
    // keyframe is inverted once and the pairs meet at the same point.
    o.prompt = model->textConditioned() ? prompts.value(0).toStdString() : std::string();
    geo::SpacetimeKeyframes keyframes;
    for (int k = 0; k < pairs; ++k) {
        const auto report = [&](const geo::SpacetimeImageProgress& p) {
            const auto now = Clock::now();
            auto snap = std::make_shared<ImageSnapshot>();
            snap->stage = "spacetime";
            snap->pair = k;
            snap->pairs = pairs;
            snap->done = p.done;
            snap->total = p.total;
            snap->seconds = secondsBefore + std::chrono::duration<double>(now - start).count();
            snap->fraction = share.start + share.share * (k + pairFraction(p)) / pairs;
            snap->densityResult = first;
            if (p.points) {
                snap->spacetimeLambda = lambdaOf(*p.points);
                snap->spacetimeEnergy = p.energy;
                const double elapsed = std::chrono::duration<double>(now - start).count();
                const bool timely = std::chrono::duration<double>(now - lastPreview).count() > kPreviewSeconds && previewSeconds < kPreviewShare * elapsed;
                if (p.previewMeans && (previewedPair != k || timely)) {
                    snap->spacetimeFrames = toQImages((*p.previewMeans)());
                    previewedPair = k;
                    lastPreview = Clock::now();
                    previewSeconds += std::chrono::duration<double>(lastPreview - now).count();
                }
            }
            const bool due = first || !snap->spacetimeFrames.isEmpty() || p.stage != lastStage || p.done == p.total ||
                             std::chrono::duration<double>(now - lastSnapshot).count() >= kSnapshotSeconds;
            if (!due) return;
            first.reset();
            lastSnapshot = now;
            lastStage = p.stage;
            publisher.publish(QVariant::fromValue(ImageSnapshotPtr(snap)));
        };
        if (k == 0) keyframes = geo::invertForSpacetime(model, images, o, control, report);
        const geo::SpacetimeImagePath path = geo::spacetimeBetweenKeyframes(model, keyframes, k, k + 1, o, control, report);
        // The pair's final frames replace its previews at once.
        auto done = std::make_shared<ImageSnapshot>();
        done->stage = "spacetime";
        done->pair = k;
        done->pairs = pairs;
        done->done = done->total = 1;
        done->seconds = secondsBefore + std::chrono::duration<double>(Clock::now() - start).count();
        done->fraction = share.start + share.share * (k + 1.0) / pairs;
        done->spacetimeLambda = lambdaOf(path.points);
        done->spacetimeEnergy = path.energy;
        done->spacetimeFrames = toQImages(path.means);
        publisher.publish(QVariant::fromValue(ImageSnapshotPtr(done)));
        pairDistance << path.editDistance;
        solved.push_back(path);
    }
    auto joined = std::make_shared<geo::SpacetimeImagePath>(geo::joinSpacetimePaths(solved));
    SpacetimeRunResult r;
    r.path = joined;
    r.means = toQImages(joined->means);
    r.noisy = toQImages(joined->noisy);
    r.lambda = lambdaOf(joined->points);
    const int n = s.framesPerPair;
    for (int i = 0; i < r.lambda.size(); ++i) r.t << double(i) / (n - 1);  // pair k spans t = k … k + 1
    r.pairDistance = pairDistance;
    r.energy = joined->energy;
    r.energyError = joined->energyError;
    r.editDistance = joined->editDistance;
    r.editDistanceError = joined->editDistanceError;
    r.lambdaMin = joined->lambdaMin;
    r.lambdaEnd = joined->points(0, 0);
    r.steps = joined->steps;
    r.stop = QString::fromStdString(joined->stop);
    r.forward = joined->forward;
    r.backward = joined->backward;
    r.seconds = std::chrono::duration<double>(Clock::now() - start).count();
    return r;
}
