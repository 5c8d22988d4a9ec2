#include "spacetime/mixture_denoiser.h"

#include <Eigen/Cholesky>
#include <cmath>
#include <numbers>

#include "common/errors.h"

namespace geo {

namespace {

struct Component {
    double logWeight;  // log π_k + log N(x; α m_k, C_k)
    Eigen::VectorXd mean;
    double covarianceTrace;
};

Component posteriorComponent(const GaussianMixture& q, int k, const Eigen::VectorXd& x, double a, double s) {
    const Eigen::MatrixXd& S = q.covariances()[k];
    const Eigen::VectorXd& m = q.means()[k];
    const int d = static_cast<int>(x.size());
    const Eigen::MatrixXd C = a * a * S + s * s * Eigen::MatrixXd::Identity(d, d);
    const Eigen::LLT<Eigen::MatrixXd> llt(C);
    const Eigen::VectorXd r = x - a * m;
    const Eigen::VectorXd cInvR = llt.solve(r);
    const Eigen::MatrixXd L = llt.matrixL();
    const double logDet = 2 * L.diagonal().array().log().sum();
    Component c;
    c.logWeight = std::log(q.weights()[k]) - 0.5 * (r.dot(cInvR) + logDet + d * std::log(2 * std::numbers::pi));
    c.mean = m + a * S * cInvR;
    c.covarianceTrace = S.trace() - a * a * (S * llt.solve(S)).trace();
    return c;
}

void checkLevels(const Points& x, const Eigen::VectorXd& alpha, const Eigen::VectorXd& sigma, int dim) {
    if (x.cols() != dim) throw InputError("points have " + std::to_string(x.cols()) + " coordinates, the data " + std::to_string(dim));
    if (alpha.size() != x.rows() || sigma.size() != x.rows()) throw InputError("one noise level per point is needed");
    if (!((sigma.array() > 0).all() && (alpha.array() > 0).all())) throw InputError("noise levels need α > 0 and σ > 0");
}

}  // namespace

PosteriorMoments MixtureDenoiser::moments(const Points& x, const Eigen::VectorXd& alpha, const Eigen::VectorXd& sigma) const {
    checkLevels(x, alpha, sigma, dim());
    const int n = static_cast<int>(x.rows()), d = dim(), K = data_->components();
    PosteriorMoments out{Points(n, d), Eigen::VectorXd(n), Eigen::VectorXd(n)};
    std::vector<Component> parts(K);
    for (int i = 0; i < n; ++i) {
        const Eigen::VectorXd xi = x.row(i).transpose();
        double top = -INFINITY;
        for (int k = 0; k < K; ++k) {
            parts[k] = posteriorComponent(*data_, k, xi, alpha[i], sigma[i]);
            top = std::max(top, parts[k].logWeight);
        }
        double total = 0;
        for (const Component& c : parts) total += std::exp(c.logWeight - top);
        Eigen::VectorXd mean = Eigen::VectorXd::Zero(d);
        double second = 0, withinTrace = 0;
        for (const Component& c : parts) {
            const double r = std::exp(c.logWeight - top) / total;
            mean += r * c.mean;
            second += r * (c.covarianceTrace + c.mean.squaredNorm());
            withinTrace += r * c.covarianceTrace;
        }
        out.mean.row(i) = mean.transpose();
        out.secondMoment[i] = second;
        // tr Cov = Σ r_k (tr Σ̃_k + ‖m̃_k − E‖²): the spread between components computed directly, not as
        // E‖x₀‖² − ‖E‖², which cancels badly when the posterior is tight.
        double between = 0;
        for (const Component& c : parts) between += std::exp(c.logWeight - top) / total * (c.mean - mean).squaredNorm();
        out.divergence[i] = alpha[i] / (sigma[i] * sigma[i]) * (withinTrace + between);
    }
    return out;
}

Eigen::VectorXd MixtureDenoiser::logMarginal(const Points& x, const Eigen::VectorXd& alpha, const Eigen::VectorXd& sigma) const {
    checkLevels(x, alpha, sigma, dim());
    Eigen::VectorXd out(x.rows());
    for (Eigen::Index i = 0; i < x.rows(); ++i) {
        double top = -INFINITY;
        std::vector<double> logs;
        for (int k = 0; k < data_->components(); ++k) {
            logs.push_back(posteriorComponent(*data_, k, x.row(i).transpose(), alpha[i], sigma[i]).logWeight);
            top = std::max(top, logs.back());
        }
        double total = 0;
        for (double l : logs) total += std::exp(l - top);
        out[i] = top + std::log(total);
    }
    return out;
}

}  // namespace geo
