#include "spacetime/spacetime_bvp.h"

#include <cmath>
#include <deque>

#include "common/errors.h"

namespace geo {

namespace {

SpacetimePath asPath(const Eigen::MatrixXd& points) {
    const Eigen::Index d = points.cols() - 1;
    return {points.leftCols(d), points.col(d)};
}

}  // namespace

double spacetimeEnergyGradient(const Denoiser& denoiser, const LogSnrSchedule& schedule, const Eigen::MatrixXd& points,
                               Eigen::MatrixXd* gradient) {
    const Eigen::Index n = points.rows(), dims = points.cols(), d = dims - 1;
    const ExponentialCoordinates c = exponentialCoordinates(denoiser, schedule, asPath(points));
    const double energy = spacetimeEnergy(c).codeEnergy;
    if (!gradient) return energy;

    // μ at z ± h e_k for every point and coordinate, in one batch: rows (k, sign, point).
    Eigen::MatrixXd shifted(2 * dims * n, dims);
    Eigen::VectorXd h(dims);
    for (Eigen::Index k = 0; k < dims; ++k) {
        h[k] = k == d ? 1e-6 : 1e-6 * std::max(1.0, points.col(k).cwiseAbs().maxCoeff());
        for (int sign = 0; sign < 2; ++sign) {
            Eigen::MatrixXd block = points;
            block.col(k).array() += sign ? h[k] : -h[k];
            shifted.middleRows((2 * k + sign) * n, n) = block;
        }
    }
    const Points mu = exponentialCoordinates(denoiser, schedule, asPath(shifted)).mu;

    gradient->setZero(n, dims);
    for (Eigen::Index i = 0; i < n; ++i) {
        Eigen::RowVectorXd a = Eigen::RowVectorXd::Zero(dims), b = Eigen::RowVectorXd::Zero(dims);  // ∂/∂η_i and ∂/∂μ_i
        if (i > 0) {
            a += c.mu.row(i) - c.mu.row(i - 1);
            b += c.eta.row(i) - c.eta.row(i - 1);
        }
        if (i + 1 < n) {
            a -= c.mu.row(i + 1) - c.mu.row(i);
            b -= c.eta.row(i + 1) - c.eta.row(i);
        }
        // J_ηᵀ a, with η = ((α/σ²) x, −½ e^λ) and d log(α/σ²)/dλ = ½σ² + α².
        const double t = points(i, d), lambda = schedule.lambda(t), rate = schedule.lambdaRate(t);
        const double alpha = schedule.alpha(t), sigma = schedule.sigma(t), ratio = alpha / (sigma * sigma);
        const Eigen::RowVectorXd x = points.row(i).head(d);
        gradient->row(i).head(d) += ratio * a.head(d);
        (*gradient)(i, d) += ratio * (0.5 * sigma * sigma + alpha * alpha) * rate * x.dot(a.head(d)) - 0.5 * std::exp(lambda) * rate * a[d];
        // J_μᵀ b by central differences.
        for (Eigen::Index k = 0; k < dims; ++k)
            (*gradient)(i, k) += (mu.row((2 * k + 1) * n + i) - mu.row(2 * k * n + i)).dot(b) / (2 * h[k]);
    }
    return energy;
}

SpacetimeBvpResult solveSpacetimeBvp(const Denoiser& denoiser, const LogSnrSchedule& schedule, const Eigen::VectorXd& from,
                                     const Eigen::VectorXd& to, const SpacetimeBvpOptions& o, const SolveControl& control) {
    if (from.size() != denoiser.dim() + 1 || to.size() != denoiser.dim() + 1)
        throw InputError("spacetime endpoints need " + std::to_string(denoiser.dim()) + " coordinates and a time");
    if (o.points < 3 || o.maxSteps < 0 || o.window < 1 || !(o.learningRate > 0)) throw InputError("invalid spacetime BVP options");
    const SplineCurve curve(from, to, o.nodes, o.continuity);
    Eigen::MatrixXd w = Eigen::MatrixXd::Zero(curve.nodes(), curve.dims()), m = w, v = w, best = w, pointGradient;
    double bestEnergy = INFINITY;
    std::deque<double> history;  // best energy at each of the last `window` steps
    SpacetimeBvpResult result;
    for (int step = 0;; ++step) {
        control.throwIfCancelled();
        const double e = spacetimeEnergyGradient(denoiser, schedule, curve.evaluate(w, o.points), &pointGradient);
        if (std::isfinite(e) && e < bestEnergy) {
            bestEnergy = e;
            best = w;
        }
        history.push_back(bestEnergy);
        if (static_cast<int>(history.size()) > o.window) history.pop_front();
        result.steps = step;
        if (static_cast<int>(history.size()) == o.window && history.front() - history.back() < o.tolerance * std::abs(history.back())) {
            result.converged = true;
            break;
        }
        if (step == o.maxSteps) break;
        if (!pointGradient.allFinite()) throw InputError("the spacetime energy's gradient is not finite: the curve left the schedule's range");
        const Eigen::MatrixXd g = curve.pullBack(pointGradient);
        constexpr double b1 = 0.9, b2 = 0.999, eps = 1e-8;
        m = b1 * m + (1 - b1) * g;
        v = b2 * v + (1 - b2) * g.cwiseProduct(g);
        const double c1 = 1 - std::pow(b1, step + 1), c2 = 1 - std::pow(b2, step + 1);
        w.array() -= o.learningRate * (m.array() / c1) / ((v.array() / c2).sqrt() + eps);
    }
    const Eigen::MatrixXd points = curve.evaluate(best, o.points);
    result.path = asPath(points);
    result.energy = spacetimeEnergy(denoiser, schedule, result.path);
    return result;
}

}  // namespace geo
