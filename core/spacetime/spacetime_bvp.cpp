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

double spacetimeObjective(const Denoiser& denoiser, const LogSnrSchedule& schedule, const Eigen::MatrixXd& points,
                          const std::vector<const SpacetimePenalty*>& penalties, Eigen::MatrixXd* gradient) {
    const Eigen::Index n = points.rows(), dims = points.cols(), d = dims - 1;
    const ExponentialCoordinates c = exponentialCoordinates(denoiser, schedule, asPath(points));
    double objective = spacetimeEnergy(c).codeEnergy;
    PenaltyGradient g;
    if (gradient) {
        // The energy Σ (η_{i+1} − η_i)·(μ_{i+1} − μ_i): its partial derivatives in η_i and μ_i.
        g.points.setZero(n, dims);
        g.eta.setZero(n, dims);
        g.mu.setZero(n, dims);
        for (Eigen::Index i = 0; i < n; ++i) {
            if (i > 0) {
                g.eta.row(i) += c.mu.row(i) - c.mu.row(i - 1);
                g.mu.row(i) += c.eta.row(i) - c.eta.row(i - 1);
            }
            if (i + 1 < n) {
                g.eta.row(i) -= c.mu.row(i + 1) - c.mu.row(i);
                g.mu.row(i) -= c.eta.row(i + 1) - c.eta.row(i);
            }
        }
    }
    for (const SpacetimePenalty* p : penalties) objective += p->evaluate(points, c, gradient ? &g : nullptr);
    if (!gradient) return objective;

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

    *gradient = g.points;
    for (Eigen::Index i = 0; i < n; ++i) {
        const Eigen::RowVectorXd a = g.eta.row(i), b = g.mu.row(i);
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
    return objective;
}

double spacetimeEnergyGradient(const Denoiser& denoiser, const LogSnrSchedule& schedule, const Eigen::MatrixXd& points,
                               Eigen::MatrixXd* gradient) {
    return spacetimeObjective(denoiser, schedule, points, {}, gradient);
}

namespace {

// The stopping rule of the header: the best energy over the last `window` steps.
class Progress {
public:
    explicit Progress(int window) : window_(window) {}
    bool stalled(double best, double tolerance) {
        history_.push_back(best);
        if (static_cast<int>(history_.size()) > window_) history_.pop_front();
        return static_cast<int>(history_.size()) == window_ && history_.front() - history_.back() < tolerance * std::abs(history_.back());
    }

private:
    int window_;
    std::deque<double> history_;
};

}  // namespace

SplineFit minimizeOverSpline(const SplineCurve& curve, const PointObjective& objective, const SpacetimeBvpOptions& o, const SolveControl& control) {
    if (o.points < 3 || o.points > 10000) throw InputError("a spacetime curve takes 3 … 10000 points, got " + std::to_string(o.points));
    if (o.maxSteps < 0 || o.maxSteps > 1000000 || o.window < 1 || !(o.learningRate > 0)) throw InputError("invalid spacetime BVP options");
    const Eigen::Index params = static_cast<Eigen::Index>(curve.nodes()) * curve.dims();
    if (o.initialWeights.size() && (o.initialWeights.rows() != curve.nodes() || o.initialWeights.cols() != curve.dims()))
        throw InputError("the spacetime BVP's initial spline weights have the wrong shape");
    // Energy and gradient as functions of the flattened weights.
    auto evaluate = [&](const Eigen::VectorXd& w, Eigen::VectorXd* g) {
        control.throwIfCancelled();
        const Eigen::MatrixXd W = Eigen::Map<const Eigen::MatrixXd>(w.data(), curve.nodes(), curve.dims());
        Eigen::MatrixXd pointGradient;
        const double e = objective(curve.evaluate(W, o.points), g ? &pointGradient : nullptr);
        if (g) {
            const Eigen::MatrixXd G = curve.pullBack(pointGradient);
            *g = Eigen::Map<const Eigen::VectorXd>(G.data(), params);
        }
        return e;
    };
    Eigen::VectorXd w = Eigen::VectorXd::Zero(params), g;
    if (o.initialWeights.size()) w = Eigen::Map<const Eigen::VectorXd>(o.initialWeights.data(), params);
    Eigen::VectorXd best = w;
    double e = evaluate(w, &g), bestEnergy = e;
    if (!std::isfinite(e) || !g.allFinite()) throw InputError("the spacetime energy is not finite on the starting curve between the endpoints");
    Progress progress(o.window);
    SplineFit fit;
    std::deque<std::pair<Eigen::VectorXd, Eigen::VectorXd>> memory;  // L-BFGS (s, y) pairs
    Eigen::VectorXd m = Eigen::VectorXd::Zero(params), v = m;       // Adam moments
    for (int step = 1; step <= o.maxSteps; ++step) {
        fit.steps = step;
        if (o.optimizer == SpacetimeBvpOptions::Optimizer::Adam) {
            constexpr double b1 = 0.9, b2 = 0.999, eps = 1e-8;
            m = b1 * m + (1 - b1) * g;
            v = b2 * v + (1 - b2) * g.cwiseProduct(g);
            const double c1 = 1 - std::pow(b1, step), c2 = 1 - std::pow(b2, step);
            w.array() -= o.learningRate * (m.array() / c1) / ((v.array() / c2).sqrt() + eps);
            e = evaluate(w, &g);
        } else {
            // Two-loop recursion for the direction, then backtracking until Armijo's condition holds.
            Eigen::VectorXd q = g;
            std::vector<double> alphas;
            for (auto it = memory.rbegin(); it != memory.rend(); ++it) {
                alphas.push_back(it->first.dot(q) / it->second.dot(it->first));
                q -= alphas.back() * it->second;
            }
            if (!memory.empty()) q *= memory.back().first.dot(memory.back().second) / memory.back().second.squaredNorm();
            for (size_t i = 0; i < memory.size(); ++i) {
                const auto& [s, y] = memory[i];
                q += s * (alphas[memory.size() - 1 - i] - y.dot(q) / y.dot(s));
            }
            Eigen::VectorXd direction = -q;
            if (direction.dot(g) >= 0) {  // not a descent direction: restart from the gradient
                memory.clear();
                direction = -g;
            }
            double stepSize = memory.empty() ? std::min(1.0, 1.0 / g.norm()) : 1.0;
            Eigen::VectorXd wNext, gNext;
            double eNext = INFINITY;
            for (int tries = 0; tries < 40; ++tries, stepSize *= 0.5) {
                wNext = w + stepSize * direction;
                eNext = evaluate(wNext, &gNext);
                if (std::isfinite(eNext) && gNext.allFinite() && eNext <= e + 1e-4 * stepSize * direction.dot(g)) break;
            }
            if (!(eNext <= e)) break;  // no step lowers the energy: a minimum to the line search's resolution
            const Eigen::VectorXd s = wNext - w, y = gNext - g;
            if (s.dot(y) > 1e-12 * s.norm() * y.norm()) {
                memory.emplace_back(s, y);
                if (memory.size() > 8) memory.pop_front();
            }
            w = wNext;
            g = gNext;
            e = eNext;
        }
        if (std::isfinite(e) && e < bestEnergy) {
            bestEnergy = e;
            best = w;
        }
        if (progress.stalled(bestEnergy, o.tolerance)) {
            fit.converged = true;
            break;
        }
        if (o.stopEarly && o.stopEarly()) {
            fit.stoppedEarly = true;
            break;
        }
    }
    if (o.optimizer == SpacetimeBvpOptions::Optimizer::Lbfgs && fit.steps < o.maxSteps && !fit.stoppedEarly) fit.converged = true;
    fit.weights = Eigen::Map<const Eigen::MatrixXd>(best.data(), curve.nodes(), curve.dims());
    fit.objective = bestEnergy;
    return fit;
}

SpacetimeBvpResult solveSpacetimeBvp(const Denoiser& denoiser, const LogSnrSchedule& schedule, const Eigen::VectorXd& from,
                                     const Eigen::VectorXd& to, const SpacetimeBvpOptions& o, const SolveControl& control) {
    if (from.size() != denoiser.dim() + 1 || to.size() != denoiser.dim() + 1)
        throw InputError("spacetime endpoints need " + std::to_string(denoiser.dim()) + " coordinates and a time");
    const SplineCurve curve(from, to, o.nodes, o.continuity);
    const SplineFit fit = minimizeOverSpline(curve, [&](const Eigen::MatrixXd& points, Eigen::MatrixXd* gradient) {
        return spacetimeObjective(denoiser, schedule, points, o.penalties, gradient);
    }, o, control);
    SpacetimeBvpResult result;
    result.steps = fit.steps;
    result.converged = fit.converged;
    result.weights = fit.weights;
    result.objective = fit.objective;
    result.path = asPath(curve.evaluate(fit.weights, o.points));
    result.energy = spacetimeEnergy(denoiser, schedule, result.path);
    return result;
}

}  // namespace geo
