#include "pipeline/spacetime_images.h"

#include <torch/torch.h>

#include <chrono>
#include <cmath>
#include <map>

#include "common/errors.h"
#include "diffusion/ddim.h"
#include "diffusion/network_posterior.h"
#include "pipeline/model_path_score.h"
#include "spacetime/network_bvp.h"

namespace geo {

namespace {

// The DDIM grid timestep whose log-SNR is nearest λ.
int gridTimestepNear(const DiscreteSchedule& s, double lambda, int steps) {
    int best = 0;
    double distance = INFINITY;
    for (int t : s.ddimTimesteps(steps))
        if (std::abs(s.logSnr(t) - lambda) < distance) distance = std::abs(s.logSnr(t) - lambda), best = t;
    return best;
}

// Curve points DDIM-decoded from their own noise level, given their posterior means: one deterministic
// DDIM step from λ to the grid timestep just below (x' = √ᾱ' x̂₀ + √(1 − ᾱ') ε̂ with ε̂ = (x − α x̂₀)/σ),
// then the grid down.
at::Tensor decodeCurvePoints(const NetworkPosterior& q, const ConditionedEpsilon& eps, const at::Tensor& lambda, const at::Tensor& x,
                             const at::Tensor& mean, int ddimSteps, const SolveControl& control) {
    const DiffusionModel& model = q.model();
    const int64_t n = x.size(0);
    torch::NoGradGuard noGrad;
    const at::Tensor l = lambda.view({-1, 1, 1, 1});
    const at::Tensor a = torch::sigmoid(l).sqrt(), s = torch::sigmoid(-l).sqrt();
    const at::Tensor noise = (x - a * mean) / s;
    const at::Tensor tau = q.timeOf(lambda);
    std::vector<int> grid = model.schedule().ddimTimesteps(ddimSteps);
    std::map<int, std::vector<int64_t>> groups;  // grid timestep below → rows (−1: below the grid, the mean itself)
    for (int64_t i = 0; i < n; ++i) {
        int below = -1;
        for (int t : grid)
            if (t <= tau[i].item<double>()) below = std::max(below, t);
        groups[below].push_back(i);
    }
    at::Tensor clean = mean.clone();
    for (const auto& [t, members] : groups) {
        if (t < 0) continue;
        control.throwIfCancelled();
        const at::Tensor idx = torch::tensor(members, torch::kLong);
        const double bar = model.schedule().alphaBar(t);
        const at::Tensor start = std::sqrt(bar) * mean.index_select(0, idx) + std::sqrt(1 - bar) * noise.index_select(0, idx);
        clean.index_copy_(0, idx, ddimSample(eps, model.schedule(), start, t, ddimSteps, control));
    }
    return model.decode(clean);
}

at::Tensor decodedMeans(const NetworkPosterior& q, const Eigen::MatrixXd& points, const SolveControl& control) {
    const at::Tensor z = spacetimeRows(points);
    torch::NoGradGuard noGrad;
    const at::Tensor means = q.mean(q.latentsOf(z), z.select(1, 0));
    control.throwIfCancelled();  // a preview is two network passes: Cancel between them
    return q.model().decode(means);
}

}  // namespace

void setCurvePoints(SpacetimeImageOptions& o, int points, int fineSteps) {
    if (points < 3 || points > 1024) throw InputError("a spacetime curve takes 3 … 1024 points, got " + std::to_string(points));
    o.finePoints = points;
    o.coarsePoints = std::min(16, points);
    o.fineSteps = points > o.coarsePoints ? fineSteps : 0;
}

namespace {

// The one (unguided) condition of a text model; InputError for a prompt to a model without text.
at::Tensor contextOf(const DiffusionModel& model, const SpacetimeImageOptions& o) {
    if (!model.textConditioned() && !o.prompt.empty()) throw InputError(model.describe() + " takes no text prompt");
    return model.textConditioned() ? model.textEmbedding(o.prompt) : at::Tensor();
}

}  // namespace

SpacetimeKeyframes invertForSpacetime(const std::shared_ptr<const DiffusionModel>& model, const at::Tensor& images, const SpacetimeImageOptions& o,
                                      const SolveControl& control, const std::function<void(const SpacetimeImageProgress&)>& progress) {
    if (images.dim() != 4 || images.size(0) < 2) throw InputError("a spacetime geodesic joins two or more images");
    if (!(o.lambdaEnd > -5 && o.lambdaEnd < 7)) throw InputError("the endpoints' log-SNR must lie in (−5, 7)");
    const ConditionedEpsilon eps(model, contextOf(*model, o));
    SpacetimeKeyframes k;
    k.timestep = gridTimestepNear(model->schedule(), o.lambdaEnd, o.ddimSteps);
    if (progress) progress({RunStage::Invert, 0, 1});
    const at::Tensor clean = model->encode(images);
    k.latents = latentsToPoints(ddimInvert(eps, model->schedule(), clean, k.timestep, o.ddimSteps, control, [&](int done, int total) {
        if (progress) progress({RunStage::Invert, done, total});
    }));
    if (!k.latents.allFinite()) throw InputError("the model produced non-finite latents while inverting the images");
    return k;
}

SpacetimeImagePath spacetimeBetweenImages(std::shared_ptr<const DiffusionModel> model, const at::Tensor& images, const SpacetimeImageOptions& o,
                                          const SolveControl& control, const std::function<void(const SpacetimeImageProgress&)>& progress) {
    const auto start = std::chrono::steady_clock::now();
    if (images.dim() != 4 || images.size(0) != 2) throw InputError("a spacetime geodesic joins exactly two images");
    SpacetimeImagePath r = spacetimeBetweenKeyframes(model, invertForSpacetime(model, images, o, control, progress), 0, 1, o, control, progress);
    r.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    return r;
}

SpacetimeImagePath spacetimeBetweenKeyframes(const std::shared_ptr<const DiffusionModel>& model, const SpacetimeKeyframes& keyframes, int first,
                                             int second, const SpacetimeImageOptions& o, const SolveControl& control,
                                             const std::function<void(const SpacetimeImageProgress&)>& progress) {
    const auto start = std::chrono::steady_clock::now();
    if (o.coarsePoints < 3 || o.finePoints < 3 || o.nodes < 2 || o.probes < 1 || o.chunk < 2) throw InputError("invalid spacetime geodesic options");
    const Eigen::Index count = keyframes.latents.rows();
    if (first < 0 || second < 0 || first >= count || second >= count) throw InputError("no such keyframe to join");
    const at::Tensor context = contextOf(*model, o);
    const NetworkPosterior q(model, context);
    const ConditionedEpsilon eps(model, context);
    SpacetimeImagePath r;
    r.timestep = keyframes.timestep;
    Points latents(2, keyframes.latents.cols());
    latents.row(0) = keyframes.latents.row(first);
    latents.row(1) = keyframes.latents.row(second);
    const double lambda = model->schedule().logSnr(r.timestep);
    // The solve runs in one canonical direction, from the latent that comes first in lexicographic
    // order, and a swapped request gets the same curve reversed: the optimiser's path is not
    // mirror-symmetric (spline basis, Adam's per-coordinate steps), so b → a would stop elsewhere than
    // a → b (9 % apart on two scenes). The DED is a function of the unordered pair.
    bool reversed = false;
    for (Eigen::Index c = 0; c < latents.cols(); ++c)
        if (latents(0, c) != latents(1, c)) {
            reversed = latents(1, c) < latents(0, c);
            break;
        }
    Eigen::VectorXd from(latents.cols() + 1), to(latents.cols() + 1);
    from << lambda, latents.row(reversed ? 1 : 0).transpose();
    to << lambda, latents.row(reversed ? 0 : 1).transpose();
    auto inRequestOrder = [reversed](const Eigen::MatrixXd& points) -> Eigen::MatrixXd { return reversed ? points.colwise().reverse() : points; };

    SpacetimeBvpOptions bvp;
    bvp.nodes = o.nodes;
    bvp.optimizer = SpacetimeBvpOptions::Optimizer::Adam;
    bvp.learningRate = o.learningRate;
    bvp.window = 30;
    bvp.tolerance = 1e-3;
    NetworkBvpResult solved;
    const bool fine = o.finePoints != o.coarsePoints || o.fineSteps > 0;
    for (const auto& [stage, points, steps] : {std::tuple{RunStage::Coarse, o.coarsePoints, o.coarseSteps}, {RunStage::Fine, o.finePoints, o.fineSteps}}) {
        if (stage == RunStage::Fine && !fine) break;
        bvp.points = points;
        // After an unhealthy coarse phase the curve is only resampled: more steps would go where the
        // network's moments already fail.
        bvp.maxSteps = r.stop == "unhealthy" ? 0 : steps;
        bvp.initialWeights = solved.weights;  // the fine phase starts from the coarse curve
        const RunStage name = stage;
        // Minimised in the reference's per-coordinate clamp: the canonical form is exploited (network_energy.h).
        solved = solveNetworkSpacetimeBvp(q, from, to, bvp, {o.chunk, o.seed, NetworkEnergyOptions::Clamp::PerCoordinate}, o.probes, control,
                                          [&](const NetworkBvpSnapshot& s) {
            if (!progress) return;
            const Eigen::MatrixXd points = inRequestOrder(*s.points);
            const std::function<at::Tensor()> preview = [&] { return decodedMeans(q, points, control); };
            progress({name, s.evaluation, steps + 1, s.energy, &points, &preview});
        });
        r.steps += solved.steps;
        r.forward += solved.forward;
        r.backward += solved.backward;
        if (solved.unhealthy) r.stop = "unhealthy";
        else if (r.stop != "unhealthy") r.stop = solved.converged ? "converged" : "steps";
    }
    r.points = inRequestOrder(solved.points);
    r.latentShape = model->latentShape();
    r.energy = solved.energy.energy;
    r.energyError = solved.energyError;
    r.length = r.editDistance = solved.energy.length;
    r.editDistanceError = solved.lengthError;
    r.negativeSegments = solved.energy.negativeSegments;
    r.lambdaMin = r.points.col(0).minCoeff();
    if (progress) progress({RunStage::Frames, 0, 1});
    {
        // Decoded in the canonical order, then put in the order asked for: a swapped pair's frames are
        // the same frames reversed, bit for bit, whatever an optimised BLAS's blocking does with the
        // order of a batch's rows.
        const at::Tensor z = spacetimeRows(solved.points);
        const at::Tensor lambda = z.select(1, 0), x = q.latentsOf(z);
        torch::NoGradGuard noGrad;
        const at::Tensor mean = q.mean(x, lambda);  // once, for both kinds of frames
        r.means = model->decode(mean);
        r.noisy = decodeCurvePoints(q, eps, lambda, x, mean, o.ddimSteps, control);
        if (reversed) r.means = r.means.flip({0}), r.noisy = r.noisy.flip({0});
    }
    if (progress) progress({RunStage::Frames, 1, 1});
    r.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    return r;
}

SpacetimeImagePath joinSpacetimePaths(const std::vector<SpacetimeImagePath>& pairs) {
    if (pairs.empty()) throw InputError("no spacetime paths to join");
    if (pairs.size() == 1) return pairs.front();
    SpacetimeImagePath r;
    r.timestep = pairs.front().timestep;
    r.latentShape = pairs.front().latentShape;
    r.lambdaMin = INFINITY;
    std::vector<at::Tensor> means, noisy;
    Eigen::Index rows = 0;
    for (const SpacetimeImagePath& p : pairs) rows += p.points.rows() - (rows > 0 ? 1 : 0);
    r.points.resize(rows, pairs.front().points.cols());
    Eigen::Index at = 0;
    auto rank = [](const std::string& stop) { return stop == "unhealthy" ? 2 : stop == "steps" ? 1 : 0; };
    for (size_t k = 0; k < pairs.size(); ++k) {
        const SpacetimeImagePath& p = pairs[k];
        const int64_t skip = k > 0 ? 1 : 0;
        r.points.middleRows(at, p.points.rows() - skip) = p.points.bottomRows(p.points.rows() - skip);
        at += p.points.rows() - skip;
        means.push_back(p.means.slice(0, skip));
        noisy.push_back(p.noisy.slice(0, skip));
        r.energy += p.energy;
        r.energyError = std::hypot(r.energyError, p.energyError);
        r.length += p.length;
        r.editDistance += p.editDistance;
        r.editDistanceError = std::hypot(r.editDistanceError, p.editDistanceError);
        r.lambdaMin = std::min(r.lambdaMin, p.lambdaMin);
        r.negativeSegments += p.negativeSegments;
        r.steps += p.steps;
        if (k == 0 || rank(p.stop) > rank(r.stop)) r.stop = p.stop;
        r.forward += p.forward;
        r.backward += p.backward;
        r.seconds += p.seconds;
    }
    r.means = torch::cat(means);
    r.noisy = torch::cat(noisy);
    return r;
}

}  // namespace geo
