#include "measures/path_diagnostics.h"

#include <algorithm>
#include <cmath>
#include <vector>
#include <stdexcept>

namespace geo {

Eigen::VectorXd lineIntegralLogDensity(const Points& path, const Points& scores, double logpStart) {
    Eigen::VectorXd lp(path.rows());
    if (path.rows() == 0) return lp;
    lp[0] = logpStart;
    for (Eigen::Index i = 0; i + 1 < path.rows(); ++i)
        lp[i + 1] = lp[i] + 0.5 * (path.row(i + 1) - path.row(i)).dot(scores.row(i) + scores.row(i + 1));
    return lp;
}

double lengthFromLogDensity(const Points& path, const Eigen::VectorXd& logp) {
    double s = 0;
    for (Eigen::Index i = 0; i + 1 < path.rows(); ++i)
        s += (path.row(i + 1) - path.row(i)).norm() * std::exp(-0.5 * (logp[i] + logp[i + 1]));
    return s;
}

double logLengthFromLogDensity(const Points& path, const Eigen::VectorXd& logp) {
    std::vector<double> terms;
    double best = -INFINITY;
    for (Eigen::Index i = 0; i + 1 < path.rows(); ++i) {
        const double d = (path.row(i + 1) - path.row(i)).norm();
        terms.push_back(d > 0 ? std::log(d) - 0.5 * (logp[i] + logp[i + 1]) : -INFINITY);
        best = std::max(best, terms.back());
    }
    if (!std::isfinite(best)) return best;
    double sum = 0;
    for (double v : terms) sum += std::exp(v - best);
    return best + std::log(sum);
}

double densityLength(const Field& field, const Points& path) {
    if (path.rows() < 2) return 0;
    static const double node[4] = {-0.8611363115940526, -0.3399810435848563, 0.3399810435848563, 0.8611363115940526};
    static const double weight[4] = {0.3478548451374538, 0.6521451548625461, 0.6521451548625461, 0.3478548451374538};
    const Eigen::Index segs = path.rows() - 1;
    Points q(segs * 4, path.cols());
    for (Eigen::Index i = 0; i < segs; ++i)
        for (int k = 0; k < 4; ++k) {
            const double t = 0.5 * (node[k] + 1);
            q.row(i * 4 + k) = (1 - t) * path.row(i) + t * path.row(i + 1);
        }
    const Eigen::VectorXd lp = field.logDensity(q);
    double total = 0;
    for (Eigen::Index i = 0; i < segs; ++i) {
        double mean = 0;
        for (int k = 0; k < 4; ++k) mean += 0.5 * weight[k] * std::exp(-lp[i * 4 + k]);
        total += (path.row(i + 1) - path.row(i)).norm() * mean;
    }
    return total;
}

ElResidual elResidual(const Points& path, const Points& scores) {
    ElResidual r;
    const Eigen::Index n = path.rows(), d = path.cols();
    if (n < 3) return r;
    r.ratio.resize(n - 2);
    // With t_i = i/(n−1): V = (x₊ − x₋)/(2Δt), A = (x₊ − 2x + x₋)/Δt², so A/|V|² = 4(x₊ − 2x + x₋)/|x₊ − x₋|².
    for (Eigen::Index i = 1; i + 1 < n; ++i) {
        const double* xm = path.data() + (i - 1) * d;
        const double* x0 = xm + d;
        const double* xp = x0 + d;
        const double* s = scores.data() + i * d;
        double c2 = 0, sc = 0, ac = 0;
        for (Eigen::Index k = 0; k < d; ++k) {
            const double chord = xp[k] - xm[k];
            c2 += chord * chord;
            sc += s[k] * chord;
            ac += (xp[k] - 2 * x0[k] + xm[k]) * chord;
        }
        if (c2 == 0) {
            r.ratio[i - 1] = 0;
            continue;
        }
        // term1 = P⊥s, term2 = P⊥A/|V|², both projected off the unit chord.
        double t1 = 0, t2 = 0, sum = 0, raw = 0, position = 0;
        for (Eigen::Index k = 0; k < d; ++k) {
            const double chord = xp[k] - xm[k];
            const double a = 4 * (xp[k] - 2 * x0[k] + xm[k]) / c2;
            const double p1 = s[k] - sc / c2 * chord;
            const double p2 = a - 4 * ac / (c2 * c2) * chord;
            t1 += p1 * p1;
            t2 += p2 * p2;
            sum += (p1 + p2) * (p1 + p2);
            raw += s[k] * s[k];
            position += x0[k] * x0[k];
        }
        // On a straight geodesic both projected terms are rounding noise: P⊥s of order ε|s|, and the
        // second difference of order ε|x|/h². The floor sits well above both and keeps the ratio of
        // two noises from reading as a residual.
        const double denom = std::sqrt(t1) + std::sqrt(t2) + 1e-9 * (std::sqrt(raw) + 4 * std::sqrt(position) / c2);
        r.ratio[i - 1] = denom > 0 ? std::sqrt(sum) / denom : 0;
    }
    r.mean = r.ratio.mean();
    r.max = r.ratio.maxCoeff();
    return r;
}

PathReport analysePath(const Field& field, const Points& path) {
    PathReport rep;
    Points scores(path.rows(), path.cols());
    if (field.hasLogDensity()) {
        field.evaluate(path, &rep.logDensity, &scores);
        rep.length = densityLength(field, path);
        rep.logDensityLineIntegral = lineIntegralLogDensity(path, scores, rep.logDensity[0]);
    } else {
        field.evaluate(path, nullptr, &scores);
        rep.logDensityLineIntegral = lineIntegralLogDensity(path, scores, 0);
        rep.length = lengthFromLogDensity(path, rep.logDensityLineIntegral);
        rep.lengthIsRelative = true;
    }
    rep.residual = elResidual(path, scores);
    return rep;
}

}  // namespace geo
