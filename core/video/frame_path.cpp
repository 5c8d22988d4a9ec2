#include "video/frame_path.h"

#include <algorithm>
#include <cmath>
#include <numbers>
#include <numeric>

#include "common/errors.h"
#include "measures/latent_path_measures.h"
#include "scenes/splitmix.h"
#include "solver/latent_bvp.h"

namespace geo {

std::vector<double> frameTimes(int frames) {
    if (frames < 2) throw InputError("a path needs at least two frames (got " + std::to_string(frames) + ")");
    std::vector<double> t;
    const double grid = std::ldexp(1.0, DyadicSlerpPath::kKeyBits);
    for (int i = 0; i < frames; ++i) t.push_back(std::round(static_cast<double>(i) / (frames - 1) * grid) / grid);
    return t;
}

DyadicSlerpPath pathThroughFrames(const Points& frames) {
    const std::vector<double> t = frameTimes(static_cast<int>(frames.rows()));
    DyadicSlerpPath path(frames.row(0).transpose(), frames.row(frames.rows() - 1).transpose());
    for (size_t i = 1; i + 1 < t.size(); ++i) path.set(t[i], frames.row(static_cast<Eigen::Index>(i)).transpose());
    return path;
}

double meanStep(const Points& frames) {
    if (frames.rows() < 2) return 0;
    double sum = 0;
    for (Eigen::Index i = 0; i + 1 < frames.rows(); ++i) sum += (frames.row(i + 1) - frames.row(i)).norm();
    return sum / static_cast<double>(frames.rows() - 1);
}

Points onSphere(const Points& frames, double radius) {
    Points out = frames;
    if (radius > 0)
        for (Eigen::Index i = 0; i < out.rows(); ++i) out.row(i) *= radius / out.row(i).norm();
    return out;
}

FrameTerms frameTerms(const Points& frames, const Points& scores, double alpha, bool sphere) {
    if (frames.rows() != scores.rows() || frames.cols() != scores.cols()) throw InputError("one score per frame is needed");
    const DyadicSlerpPath path = pathThroughFrames(frames);
    FrameTerms f;
    f.t = frameTimes(static_cast<int>(frames.rows()));
    const ElTerms e = elTerms(frames, path.velocities(f.t), path.accelerations(f.t), scores, alpha, sphere);
    const Eigen::Index n = frames.rows();
    for (Eigen::Index i = 0; i < n; ++i) {
        const double n1 = e.term1.row(i).norm(), n2 = e.term2.row(i).norm();
        f.term1.push_back(n1);
        f.term2.push_back(n2);
        f.residual.push_back((e.term1.row(i) + e.term2.row(i)).norm());
        f.ratio.push_back(e.ratio[i]);
        const double cosine = n1 > 0 && n2 > 0 ? std::clamp(e.term1.row(i).dot(e.term2.row(i)) / (n1 * n2), -1.0, 1.0) : 0.0;
        f.angle.push_back(n1 > 0 && n2 > 0 ? std::acos(cosine) * 180 / std::numbers::pi : 90.0);
    }
    const double interior = static_cast<double>(std::max<Eigen::Index>(1, n - 2));
    for (Eigen::Index i = 1; i + 1 < n; ++i) {
        f.meanTerm1 += f.term1[static_cast<size_t>(i)] / interior;
        f.meanTerm2 += f.term2[static_cast<size_t>(i)] / interior;
        f.meanResidual += f.residual[static_cast<size_t>(i)] / interior;
        f.meanRatio += f.ratio[static_cast<size_t>(i)] / interior;
    }
    const LatentPathMeasures m = measureLatentPath(frames, scores, alpha, sphere);
    f.logDensity.assign(m.logDensity.data(), m.logDensity.data() + m.logDensity.size());
    f.logLength = m.logLength;
    return f;
}

namespace {

// `count` distinct indices from [lo, hi], in ascending order (a partial Fisher–Yates shuffle).
std::vector<int> sampleIndices(int lo, int hi, int count, SplitMix& rng) {
    std::vector<int> all(static_cast<size_t>(hi - lo + 1));
    std::iota(all.begin(), all.end(), lo);
    count = std::min(count, static_cast<int>(all.size()));
    for (int i = 0; i < count; ++i) std::swap(all[static_cast<size_t>(i)], all[static_cast<size_t>(i + rng.below(static_cast<int>(all.size()) - i))]);
    all.resize(static_cast<size_t>(count));
    std::sort(all.begin(), all.end());
    return all;
}

}  // namespace

FramePathResult optimiseFramePath(const PathScore& score, const Points& frames, const FramePathOptions& o, const SolveControl& control,
                                  const std::function<void(const FramePathSnapshot&)>& onSnapshot) {
    if (frames.rows() < 3) throw InputError("optimising a path through frames needs at least three frames");
    if (frames.cols() != score.dim()) throw InputError("frames of dimension " + std::to_string(frames.cols()) + " for a score of dimension " + std::to_string(score.dim()));
    if (!(o.alpha > 0) || o.iterations < 1 || o.minIterations < 0 || !(o.learningRate > 0) || o.samplePoints < 1)
        throw InputError("α, the learning rate, the iterations and the frames per iteration must be positive");
    const double radius = o.sphere ? (o.radius > 0 ? o.radius : frames.rowwise().norm().mean()) : 0;
    FramePathResult r;
    r.frames = onSphere(frames, radius);
    const std::vector<double> t = frameTimes(static_cast<int>(frames.rows()));
    const int last = static_cast<int>(frames.rows()) - 1;
    SplitMix rng{o.seed * 0x9e3779b97f4a7c15ull + 17};
    for (int i = 0; i < o.iterations; ++i) {
        control.throwIfCancelled();
        const std::vector<int> chosen = sampleIndices(o.moveEnds ? 0 : 1, o.moveEnds ? last : last - 1, o.samplePoints, rng);
        const DyadicSlerpPath path = pathThroughFrames(r.frames);
        std::vector<double> ts;
        for (int j : chosen) ts.push_back(t[static_cast<size_t>(j)]);
        const Points x = path.positions(ts);
        const Points s = score.score(x, ts, i, control);
        if (!s.allFinite()) throw InputError("the model's score is not finite at iteration " + std::to_string(i + 1));
        r.evaluations += static_cast<long long>(ts.size()) * score.evaluationsPerPoint(i);
        const ElTerms e = elTerms(x, path.velocities(ts), path.accelerations(ts), s, o.alpha, o.sphere);
        FramePathSnapshot snap;
        snap.iteration = i + 1;
        snap.meanTerm1 = e.term1.rowwise().norm().mean();
        snap.meanTerm2 = e.term2.rowwise().norm().mean();
        snap.meanRatio = e.ratio.mean();
        r.meanRatioHistory.push_back(snap.meanRatio);
        r.iterations = i + 1;
        // §7's rule ends the whole run (pitfall 14: not the interpolation's level switch); the step is not taken.
        const bool rule = o.stopFactor > 0 && o.stopFactor * snap.meanTerm1 < snap.meanTerm2;
        if (rule && r.ruleFirstHeld == 0) r.ruleFirstHeld = i + 1;
        if (rule && i >= o.minIterations) {
            r.stoppedByRule = true;
            snap.frames = &r.frames;
            if (onSnapshot) onSnapshot(snap);
            break;
        }
        const double lr = o.learningRate * (1 - static_cast<double>(i) / o.iterations) / static_cast<double>(chosen.size());
        for (size_t k = 0; k < chosen.size(); ++k) {
            const Eigen::Index row = chosen[k];
            r.frames.row(row) = x.row(static_cast<Eigen::Index>(k)) + lr * (e.term1.row(static_cast<Eigen::Index>(k)) + e.term2.row(static_cast<Eigen::Index>(k)));
            if (radius > 0) r.frames.row(row) *= radius / r.frames.row(row).norm();
        }
        snap.frames = &r.frames;
        if (onSnapshot) onSnapshot(snap);
    }
    return r;
}

Points perturbFrames(const Points& frames, double size, uint64_t seed, double radius) {
    if (!(size >= 0 && std::isfinite(size))) throw InputError("the perturbation size must be a non-negative number");
    Points out = frames;
    const double norm = size * meanStep(frames);
    SplitMix rng{seed * 0x9e3779b97f4a7c15ull + 101};
    for (Eigen::Index i = 1; i + 1 < out.rows(); ++i) {
        Eigen::RowVectorXd noise(out.cols());
        for (Eigen::Index j = 0; j < noise.size(); ++j) {  // Box–Muller
            const double u1 = rng.uniform(1e-300, 1), u2 = rng.uniform(0, 1);
            noise[j] = std::sqrt(-2 * std::log(u1)) * std::cos(2 * std::numbers::pi * u2);
        }
        out.row(i) += norm * noise / noise.norm();
    }
    return onSphere(out, radius);
}

Points smoothFrames(const Points& frames, double radius) {
    Points out = frames;
    for (Eigen::Index i = 1; i + 1 < out.rows(); ++i) out.row(i) = 0.25 * frames.row(i - 1) + 0.5 * frames.row(i) + 0.25 * frames.row(i + 1);
    return onSphere(out, radius);
}

Points slerpFrames(const Points& frames) {
    const std::vector<double> t = frameTimes(static_cast<int>(frames.rows()));
    const Eigen::VectorXd a = frames.row(0).transpose(), b = frames.row(frames.rows() - 1).transpose();
    Points out(frames.rows(), frames.cols());
    for (size_t i = 0; i < t.size(); ++i) out.row(static_cast<Eigen::Index>(i)) = slerp(a, b, t[i]).transpose();
    return out;
}

}  // namespace geo
