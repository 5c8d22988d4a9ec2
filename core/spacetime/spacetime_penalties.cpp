#include "spacetime/spacetime_penalties.h"

#include <cmath>

namespace geo {

namespace {
constexpr double kBeta = 10;
double logistic(double v) { return LogSnrSchedule::sigmoid(v); }
}  // namespace

double softplus(double u, double beta) {
    const double v = beta * u;
    return (v > 0 ? v + std::log1p(std::exp(-v)) : std::log1p(std::exp(v))) / beta;
}

double LowNoisePenalty::evaluate(const Eigen::MatrixXd& points, const ExponentialCoordinates&, PenaltyGradient* g) const {
    const Eigen::Index n = points.rows(), d = points.cols() - 1;
    double sum = 0;
    for (Eigen::Index i = 0; i < n; ++i) {
        const double t = points(i, d), u = minLambda_ - schedule_.lambda(t);
        sum += softplus(u, kBeta);
        if (g) g->points(i, d) -= weight / n * logistic(kBeta * u) * schedule_.lambdaRate(t);
    }
    return weight * sum / n;
}

Eigen::VectorXd AvoidPosteriorPenalty::klChange(const ExponentialCoordinates& c) const {
    Eigen::VectorXd kl = Eigen::VectorXd::Zero(c.eta.rows());
    for (Eigen::Index m = 1; m < c.eta.rows(); ++m) kl[m] = kl[m - 1] + (c.eta.row(m) - c.eta.row(m - 1)).dot(c.mu.row(m) - muStar_);
    return kl;
}

double AvoidPosteriorPenalty::evaluate(const Eigen::MatrixXd&, const ExponentialCoordinates& c, PenaltyGradient* g) const {
    const Eigen::Index n = c.eta.rows();
    const Eigen::VectorXd kl = klChange(c);
    double sum = 0;
    Eigen::VectorXd tail = Eigen::VectorXd::Zero(n + 1);  // tail[m] = Σ_{k≥m} ∂penalty/∂ΔKL_k
    for (Eigen::Index k = n - 1; k >= 1; --k) {
        const double u = -drop_ - kl[k];
        sum += softplus(u, kBeta);
        tail[k] = tail[k + 1] - weight / (n - 1) * logistic(kBeta * u);
    }
    if (g)
        for (Eigen::Index m = 1; m < n; ++m) {
            // ΔKL_k holds (η_m − η_{m−1})·(μ_m − μ*) for every k ≥ m.
            const Eigen::RowVectorXd dEta = c.eta.row(m) - c.eta.row(m - 1), r = c.mu.row(m) - muStar_;
            g->eta.row(m) += tail[m] * r;
            g->eta.row(m - 1) -= tail[m] * r;
            g->mu.row(m) += tail[m] * dEta;
        }
    return weight * sum / (n - 1);
}

}  // namespace geo
