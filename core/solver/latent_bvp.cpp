#include "solver/latent_bvp.h"

#include <algorithm>
#include <cmath>
#include <numbers>

#include "common/errors.h"
#include "measures/latent_path_measures.h"

namespace geo {

LearningRateSchedule parseLearningRateSchedule(const std::string& name) {
    if (name == "constant") return LearningRateSchedule::Constant;
    if (name == "linear") return LearningRateSchedule::Linear;
    if (name == "cosine") return LearningRateSchedule::Cosine;
    if (name == "polynomial") return LearningRateSchedule::Polynomial;
    throw unknownNameError("learning-rate schedule", name, {"constant", "linear", "cosine", "polynomial"});
}

LatentBvpMethod parseLatentBvpMethod(const std::string& name) {
    if (name == "published") return LatentBvpMethod::Published;
    if (name == "implicit") return LatentBvpMethod::Implicit;
    throw unknownNameError("solver", name, {"published", "implicit"});
}

std::string latentBvpMethodName(LatentBvpMethod m) { return m == LatentBvpMethod::Published ? "published" : "implicit"; }

std::vector<double> levelKnots(int level, bool onlyNew) {
    std::vector<double> t;
    const int n = 1 << level;
    for (int j = 1; j < n; ++j)
        if (!onlyNew || j % 2 == 1) t.push_back(static_cast<double>(j) / n);
    return t;
}

namespace {

double scheduleFactor(LearningRateSchedule s, double u) {
    switch (s) {
        case LearningRateSchedule::Constant: return 1;
        case LearningRateSchedule::Linear: return 1 - u;
        case LearningRateSchedule::Cosine: return 0.5 * (1 + std::cos(std::numbers::pi * u));
        case LearningRateSchedule::Polynomial: return (1 - u) * (1 - u);
    }
    return 1;
}

void checkOptions(const LatentBvpOptions& o) {
    if (!(o.alpha > 0 && std::isfinite(o.alpha))) throw InputError("alpha must be a positive number");
    if (o.levels < 1 || o.levels > 12) throw InputError("the number of bisection levels must lie in 1 … 12");
    if (o.iterationsPerLevel < 1) throw InputError("iterations per level must be 1 or more");
    if (o.maxIterations < 1) throw InputError("the iteration budget must be 1 or more");
    if (!(o.learningRate > 0 && std::isfinite(o.learningRate))) throw InputError("the learning rate must be a positive number");
    if (!(o.radius >= 0 && std::isfinite(o.radius))) throw InputError("the sphere radius must be 0 (automatic) or positive");
    if (!(o.implicitStep > 0 && std::isfinite(o.implicitStep))) throw InputError("the implicit solver's first step must be a positive number");
}

}  // namespace

ElTerms elTerms(const Points& x, const Points& v, const Points& a, const Points& s, double alpha, bool sphere) {
    ElTerms e{s, a, Eigen::VectorXd::Zero(x.rows())};
    if (sphere) {
        projectRowsOff(e.term1, x);
        projectRowsOff(e.term2, x);
    }
    projectRowsOff(e.term1, v);
    projectRowsOff(e.term2, v);
    for (Eigen::Index i = 0; i < x.rows(); ++i) {
        const double vv = v.row(i).squaredNorm();
        e.term2.row(i) = vv > 0 ? Eigen::RowVectorXd(e.term2.row(i) / (alpha * vv)) : Eigen::RowVectorXd::Zero(x.cols());
        const double n1 = e.term1.row(i).norm(), n2 = e.term2.row(i).norm();
        e.ratio[i] = n1 + n2 > 0 ? (e.term1.row(i) + e.term2.row(i)).norm() / (n1 + n2) : 0;
    }
    return e;
}

namespace {

// The implicit update of the level's points X (rows, at t = h, 2h, … between the fixed ends a and b):
// (1 + 2c) X⁺_j − c (X⁺_{j−1} + X⁺_{j+1}) = X_j + η G_j, by the Thomas algorithm.
Points implicitStep(const Points& x, const Points& g, const Eigen::VectorXd& a, const Eigen::VectorXd& b, double eta, double c) {
    const Eigen::Index m = x.rows();
    Points rhs = x + eta * g;
    rhs.row(0) += c * a.transpose();
    rhs.row(m - 1) += c * b.transpose();
    std::vector<double> diag(static_cast<size_t>(m), 1 + 2 * c);
    for (Eigen::Index j = 1; j < m; ++j) {
        const double f = -c / diag[static_cast<size_t>(j) - 1];
        diag[static_cast<size_t>(j)] -= f * -c;
        rhs.row(j) -= f * rhs.row(j - 1);
    }
    Points out(m, x.cols());
    out.row(m - 1) = rhs.row(m - 1) / diag[static_cast<size_t>(m) - 1];
    for (Eigen::Index j = m - 2; j >= 0; --j) out.row(j) = (rhs.row(j) + c * out.row(j + 1)) / diag[static_cast<size_t>(j)];
    return out;
}

// The step the implicit method retries at half size when the path it made came out longer.
struct ImplicitState {
    double eta = 0;
    double logLength = INFINITY;  // of the path before the pending step
    DyadicSlerpPath before;
    Points x, g;
    std::vector<double> t;
    double speed2 = 0;
    bool pending = false;
    int rejectedInARow = 0;
};

}  // namespace

LatentBvpResult solveLatentBvp(const PathScore& score, const Eigen::VectorXd& a, const Eigen::VectorXd& b, const LatentBvpOptions& o,
                               const SolveControl& control, const LatentBvpCallback& onSnapshot) {
    checkOptions(o);
    if (a.size() != score.dim() || b.size() != score.dim())
        throw InputError("endpoints of dimension " + std::to_string(a.size()) + " and " + std::to_string(b.size()) + " for a score of dimension " +
                         std::to_string(score.dim()));
    if (!a.allFinite() || !b.allFinite()) throw InputError("an endpoint of the path is not finite");
    const bool implicit = o.method == LatentBvpMethod::Implicit;
    if (implicit && o.onlyNewPoints) throw InputError("the implicit solver moves every point of a level; it cannot move only the new ones");
    LatentBvpResult r;
    r.radius = o.radius > 0 ? o.radius : 0.5 * (a.norm() + b.norm());
    const auto onSphere = [&](const Eigen::VectorXd& x) -> Eigen::VectorXd { return o.sphere ? Eigen::VectorXd(x * (r.radius / x.norm())) : x; };
    r.path = DyadicSlerpPath(onSphere(a), onSphere(b));
    const Eigen::VectorXd endA = r.path.position(0), endB = r.path.position(1);
    r.evaluationsPerLevel.assign(o.levels, 0);

    ImplicitState st;
    st.eta = o.implicitStep;
    Points endScores;  // implicit: the ends' scores, for the length that judges each step
    if (implicit) {
        Points ends(2, a.size());
        ends << endA.transpose(), endB.transpose();
        endScores = score.score(ends, {0.0, 1.0}, PathScore::kDeterministic, control);
        r.evaluations += 2LL * score.evaluationsPerPoint(PathScore::kDeterministic);
    }
    const auto applyImplicit = [&](LatentBvpSnapshot& snap) {
        const double h = 1.0 / static_cast<double>(st.t.size() + 1);  // the level's points are j·h, j = 1 … m
        const double c = st.eta / (o.alpha * st.speed2 * h * h);
        const Points next = implicitStep(st.x, st.g, endA, endB, st.eta, c);
        for (Eigen::Index j = 0; j < next.rows(); ++j) r.path.set(st.t[static_cast<size_t>(j)], onSphere(next.row(j).transpose()));
        snap.learningRate = st.eta;
        snap.updated = true;
    };

    int level = 1, i = 0;
    while (level <= o.levels && i < o.maxIterations) {
        control.throwIfCancelled();
        const std::vector<double> ts = levelKnots(level, o.onlyNewPoints);
        const Points x = r.path.positions(ts), v = r.path.velocities(ts), acc = r.path.accelerations(ts);
        Points denoised;
        const Points s = onSnapshot ? score.scoreAndDenoised(x, ts, static_cast<int64_t>(i), control, denoised)
                                    : score.score(x, ts, static_cast<int64_t>(i), control);
        if (!s.allFinite()) throw InputError("the model's score is not finite at iteration " + std::to_string(i + 1));
        const long long evals = static_cast<long long>(ts.size()) * score.evaluationsPerPoint(i);
        r.evaluations += evals;
        r.evaluationsPerLevel[level - 1] += evals;
        const ElTerms e = elTerms(x, v, acc, s, o.alpha, o.sphere);
        LatentBvpSnapshot snap;
        snap.level = level;
        snap.evaluatedT = ts;
        snap.residual.assign(e.ratio.data(), e.ratio.data() + e.ratio.size());
        snap.meanTerm1 = e.term1.rowwise().norm().mean();
        snap.meanTerm2 = e.term2.rowwise().norm().mean();
        r.meanResidualHistory.push_back(e.ratio.mean());
        bool nextLevel = o.residualTolerance > 0 && e.ratio.mean() < o.residualTolerance;

        if (!implicit) {
            if (o.earlySwitch && snap.meanTerm1 < snap.meanTerm2) {
                nextLevel = true;  // the published heuristic: the step is discarded
            } else {
                double lr = o.learningRate * scheduleFactor(o.schedule, static_cast<double>(i) / o.maxIterations);
                if (o.schedule != LearningRateSchedule::Constant && o.divideByPoints) lr /= static_cast<double>(ts.size());
                for (Eigen::Index j = 0; j < x.rows(); ++j)
                    r.path.set(ts[static_cast<size_t>(j)], onSphere((x.row(j) + lr * (e.term1.row(j) + e.term2.row(j))).transpose()));
                snap.learningRate = lr;
                snap.updated = true;
            }
        } else {
            // This iteration's points are exactly the path's interior knots once a level has begun.
            Points all(x.rows() + 2, x.cols()), allS(x.rows() + 2, x.cols());
            all << endA.transpose(), x, endB.transpose();
            allS << endScores.row(0), s, endScores.row(1);
            const double logLength = measureLatentPath(all, allS, o.alpha, o.sphere).logLength;
            if (st.pending && logLength > st.logLength) {
                st.eta *= 0.5;  // the last step lengthened the path: undo it, retry at half the size
                r.path = st.before;
                applyImplicit(snap);
                // Halvings in a row (3 by default: η down 8-fold): this level has converged as far as its score allows.
                if (++st.rejectedInARow >= o.halvingsToNextLevel) nextLevel = true;
            } else {
                if (st.pending) st.eta *= 1.3;
                st.rejectedInARow = 0;
                st.logLength = logLength;
                st.before = r.path;
                st.x = x;
                st.g = e.term1;
                st.t = ts;
                st.speed2 = v.rowwise().squaredNorm().mean();
                st.pending = true;
                applyImplicit(snap);
            }
        }
        ++i;
        const int levelBefore = level;
        if (nextLevel || i >= o.iterationsPerLevel * level) ++level;
        if (level != levelBefore) {  // new points: the implicit step starts afresh
            st.pending = false;
            st.logLength = INFINITY;
            if (!o.carryStep) st.eta = o.implicitStep;
            st.rejectedInARow = 0;
        }
        r.iterations = i;
        r.finalLevel = levelBefore;
        snap.iteration = i;
        snap.evaluations = r.evaluations;
        if (onSnapshot) {
            snap.t = r.path.knots();
            const Points cp = r.path.controlPoints();
            snap.controlPoints = &cp;
            snap.evaluated = &x;
            snap.scores = &s;
            snap.denoised = &denoised;
            onSnapshot(snap);
        }
    }
    return r;
}

}  // namespace geo
