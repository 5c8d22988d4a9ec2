#include "spacetime/mixture_denoiser.h"

#include <Eigen/Cholesky>
#include <Eigen/LU>
#include <cmath>
#include <numbers>

#include "common/errors.h"

namespace geo {

namespace {

template <int D>
struct Component {
    double logWeight = 0;  // log π_k + log N(x; α m_k, C_k)
    Eigen::Matrix<double, D, 1> mean;
    double covarianceTrace = 0;
};

// One component of the posterior at x. D fixed (1, 2) avoids every allocation: the toy solvers call
// this millions of times; Eigen::Dynamic serves any dimension.
template <int D>
Component<D> posteriorComponent(const GaussianMixture& q, int k, const Eigen::Matrix<double, D, 1>& x, double a, double s) {
    using Matrix = Eigen::Matrix<double, D, D>;
    const Matrix S = q.covariances()[k];
    const Eigen::Matrix<double, D, 1> m = q.means()[k];
    const int d = static_cast<int>(x.size());
    const Matrix C = a * a * S + s * s * Matrix::Identity(d, d);
    const Eigen::Matrix<double, D, 1> r = x - a * m;
    Matrix cInv;
    double logDet;
    if constexpr (D == Eigen::Dynamic) {
        const Eigen::LLT<Matrix> llt(C);
        cInv = llt.solve(Matrix::Identity(d, d));
        logDet = 2 * Matrix(llt.matrixL()).diagonal().array().log().sum();
    } else {
        cInv = C.inverse();
        logDet = std::log(C.determinant());
    }
    const Eigen::Matrix<double, D, 1> cInvR = cInv * r;
    Component<D> c;
    c.logWeight = std::log(q.weights()[k]) - 0.5 * (r.dot(cInvR) + logDet + d * std::log(2 * std::numbers::pi));
    c.mean = m + a * S * cInvR;
    c.covarianceTrace = S.trace() - a * a * (S * cInv * S).trace();
    return c;
}

void checkLevels(const Points& x, const Eigen::VectorXd& alpha, const Eigen::VectorXd& sigma, int dim) {
    if (x.cols() != dim) throw InputError("points have " + std::to_string(x.cols()) + " coordinates, the data " + std::to_string(dim));
    if (alpha.size() != x.rows() || sigma.size() != x.rows()) throw InputError("one noise level per point is needed");
    if (!((sigma.array() > 0).all() && (alpha.array() > 0).all())) throw InputError("noise levels need α > 0 and σ > 0");
}

template <int D>
PosteriorMoments moments(const GaussianMixture& q, const Points& x, const Eigen::VectorXd& alpha, const Eigen::VectorXd& sigma) {
    const int n = static_cast<int>(x.rows()), d = q.dim(), K = q.components();
    PosteriorMoments out{Points(n, d), Eigen::VectorXd(n), Eigen::VectorXd(n)};
    std::vector<Component<D>> parts(K);
    std::vector<double> r(K);
    for (int i = 0; i < n; ++i) {
        const Eigen::Matrix<double, D, 1> xi = x.row(i).transpose();
        double top = -INFINITY;
        for (int k = 0; k < K; ++k) {
            parts[k] = posteriorComponent<D>(q, k, xi, alpha[i], sigma[i]);
            top = std::max(top, parts[k].logWeight);
        }
        double total = 0;
        for (int k = 0; k < K; ++k) total += r[k] = std::exp(parts[k].logWeight - top);
        Eigen::Matrix<double, D, 1> mean = Eigen::Matrix<double, D, 1>::Zero(d);
        double second = 0, within = 0;
        for (int k = 0; k < K; ++k) {
            r[k] /= total;
            mean += r[k] * parts[k].mean;
            second += r[k] * (parts[k].covarianceTrace + parts[k].mean.squaredNorm());
            within += r[k] * parts[k].covarianceTrace;
        }
        // tr Cov = Σ r_k (tr Σ̃_k + ‖m̃_k − E‖²): the spread between components computed directly, not as
        // E‖x₀‖² − ‖E‖², which cancels badly when the posterior is tight.
        double between = 0;
        for (int k = 0; k < K; ++k) between += r[k] * (parts[k].mean - mean).squaredNorm();
        out.mean.row(i) = mean.transpose();
        out.secondMoment[i] = second;
        out.divergence[i] = alpha[i] / (sigma[i] * sigma[i]) * (within + between);
    }
    return out;
}

}  // namespace

PosteriorMoments MixtureDenoiser::moments(const Points& x, const Eigen::VectorXd& alpha, const Eigen::VectorXd& sigma) const {
    checkLevels(x, alpha, sigma, dim());
    switch (dim()) {
        case 1: return geo::moments<1>(*data_, x, alpha, sigma);
        case 2: return geo::moments<2>(*data_, x, alpha, sigma);
        default: return geo::moments<Eigen::Dynamic>(*data_, x, alpha, sigma);
    }
}

Eigen::VectorXd MixtureDenoiser::logMarginal(const Points& x, const Eigen::VectorXd& alpha, const Eigen::VectorXd& sigma) const {
    checkLevels(x, alpha, sigma, dim());
    Eigen::VectorXd out(x.rows());
    for (Eigen::Index i = 0; i < x.rows(); ++i) {
        double top = -INFINITY;
        std::vector<double> logs;
        for (int k = 0; k < data_->components(); ++k) {
            logs.push_back(posteriorComponent<Eigen::Dynamic>(*data_, k, Eigen::VectorXd(x.row(i).transpose()), alpha[i], sigma[i]).logWeight);
            top = std::max(top, logs.back());
        }
        double total = 0;
        for (double l : logs) total += std::exp(l - top);
        out[i] = top + std::log(total);
    }
    return out;
}

}  // namespace geo
