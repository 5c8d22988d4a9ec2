#include "field/gaussian_mixture.h"

#include <Eigen/Cholesky>
#include <cmath>
#include <limits>
#include <numbers>
#include <sstream>

#include "common/errors.h"

namespace geo {

namespace {

std::string componentName(size_t k) { return "component " + std::to_string(k); }

void validateCovariance(const Eigen::MatrixXd& c, size_t k, int dim) {
    if (c.rows() != dim || c.cols() != dim)
        throw InputError("covariance of " + componentName(k) + " is " + std::to_string(c.rows()) + "x" +
                         std::to_string(c.cols()) + ", expected " + std::to_string(dim) + "x" +
                         std::to_string(dim));
    if (!c.allFinite()) throw InputError("covariance of " + componentName(k) + " has a value that is not finite");
    const double scale = c.cwiseAbs().maxCoeff();
    if (((c - c.transpose()).cwiseAbs().array() > 1e-9 * std::max(scale, 1e-300)).any())
        throw InputError("covariance of " + componentName(k) + " is not symmetric");
    Eigen::LLT<Eigen::MatrixXd> llt(c);
    if (llt.info() != Eigen::Success || (llt.matrixL().toDenseMatrix().diagonal().array() <= 0).any())
        throw InputError("covariance of " + componentName(k) + " is not positive definite");
}

}  // namespace

GaussianMixture::GaussianMixture(std::vector<double> weights, std::vector<Eigen::VectorXd> means,
                                 std::vector<Eigen::MatrixXd> covariances)
    : weights_(std::move(weights)), means_(std::move(means)), covariances_(std::move(covariances)) {
    if (weights_.empty()) throw InputError("a mixture needs at least one component");
    if (means_.size() != weights_.size() || covariances_.size() != weights_.size())
        throw InputError("a mixture needs as many means and covariances as weights (" +
                         std::to_string(weights_.size()) + " weights, " + std::to_string(means_.size()) +
                         " means, " + std::to_string(covariances_.size()) + " covariances)");
    dim_ = static_cast<int>(means_[0].size());
    if (dim_ < 1) throw InputError("mean of component 0 is empty");
    double total = 0;
    for (size_t k = 0; k < weights_.size(); ++k) {
        if (!std::isfinite(weights_[k])) throw InputError("weight of " + componentName(k) + " is not finite");
        if (weights_[k] < 0) throw InputError("weight of " + componentName(k) + " is negative");
        if (means_[k].size() != dim_)
            throw InputError("mean of " + componentName(k) + " has " + std::to_string(means_[k].size()) +
                             " coordinates, expected " + std::to_string(dim_));
        if (!means_[k].allFinite()) throw InputError("mean of " + componentName(k) + " has a value that is not finite");
        validateCovariance(covariances_[k], k, dim_);
        total += weights_[k];
    }
    if (!(total > 0)) throw InputError("the weights of a mixture must not all be zero");

    const size_t K = weights_.size(), D = static_cast<size_t>(dim_);
    logNorm_.resize(K);
    precisions_.resize(K * D * D);
    for (size_t k = 0; k < K; ++k) {
        weights_[k] /= total;
        Eigen::LLT<Eigen::MatrixXd> llt(covariances_[k]);
        const double logDet = 2 * llt.matrixLLT().diagonal().array().log().sum();
        logNorm_[k] = std::log(weights_[k]) - 0.5 * (D * std::log(2 * std::numbers::pi) + logDet);
        const Eigen::MatrixXd prec = llt.solve(Eigen::MatrixXd::Identity(dim_, dim_));
        for (size_t i = 0; i < D; ++i)
            for (size_t j = 0; j < D; ++j) precisions_[(k * D + i) * D + j] = 0.5 * (prec(i, j) + prec(j, i));
    }
}

// The toy mode's case, with the loops over coordinates unrolled: same formulas as evaluate().
void GaussianMixture::evaluate2d(const Points& x, Eigen::VectorXd* logp, Points* score) const {
    const size_t K = weights_.size();
    thread_local std::vector<double> y0, y1, l;
    y0.resize(K);
    y1.resize(K);
    l.resize(K);
    for (Eigen::Index n = 0; n < x.rows(); ++n) {
        const double px = x(n, 0), py = x(n, 1);
        double lmax = -std::numeric_limits<double>::infinity();
        for (size_t k = 0; k < K; ++k) {
            const double dx = px - means_[k][0], dy = py - means_[k][1];
            const double* P = precisions_.data() + k * 4;
            y0[k] = P[0] * dx + P[1] * dy;
            y1[k] = P[2] * dx + P[3] * dy;
            l[k] = weights_[k] > 0 ? logNorm_[k] - 0.5 * (dx * y0[k] + dy * y1[k]) : -std::numeric_limits<double>::infinity();
            lmax = std::max(lmax, l[k]);
        }
        double sum = 0, s0 = 0, s1 = 0;
        for (size_t k = 0; k < K; ++k) {
            const double e = l[k] - lmax > -60 ? std::exp(l[k] - lmax) : 0.0;
            sum += e;
            s0 -= e * y0[k];
            s1 -= e * y1[k];
        }
        if (logp) (*logp)[n] = lmax + std::log(sum);
        if (score) {
            (*score)(n, 0) = s0 / sum;
            (*score)(n, 1) = s1 / sum;
        }
    }
}

std::string GaussianMixture::describe() const {
    std::ostringstream s;
    s << "Gaussian mixture, " << components() << " components in " << dim_ << "-D";
    return s.str();
}

Box GaussianMixture::bounds() const {
    Box b{means_[0], means_[0]};
    for (size_t k = 0; k < means_.size(); ++k) {
        if (weights_[k] == 0) continue;
        const Eigen::VectorXd sd = covariances_[k].diagonal().cwiseSqrt() * 3.5;
        b.lo = b.lo.cwiseMin(means_[k] - sd);
        b.hi = b.hi.cwiseMax(means_[k] + sd);
    }
    return b;
}

void GaussianMixture::evaluate(const Points& x, Eigen::VectorXd* logp, Points* score) const {
    if (x.cols() != dim_)
        throw InputError("points have " + std::to_string(x.cols()) + " coordinates, the field has " +
                         std::to_string(dim_));
    const size_t K = weights_.size(), D = static_cast<size_t>(dim_);
    const Eigen::Index N = x.rows();
    if (logp) logp->resize(N);
    if (score) score->resize(N, dim_);
    if (D == 2) return evaluate2d(x, logp, score);
    // Per point: d_k = x − μ_k, y_k = Σ_k⁻¹ d_k, l_k = logNorm_k − ½ d_kᵀ y_k.
    // log p = logsumexp(l), score = −Σ softmax(l)_k y_k.
    // Per-thread scratch: the IVP calls this 4 000 times per 1 000 steps, one point at a time.
    thread_local std::vector<double> diff, y, l;
    diff.resize(D);
    y.resize(K * D);
    l.resize(K);
    for (Eigen::Index n = 0; n < N; ++n) {
        const double* xn = x.data() + n * D;
        double lmax = -std::numeric_limits<double>::infinity();
        for (size_t k = 0; k < K; ++k) {
            const double* mu = means_[k].data();
            for (size_t i = 0; i < D; ++i) diff[i] = xn[i] - mu[i];
            const double* P = precisions_.data() + k * D * D;
            double q = 0;
            for (size_t i = 0; i < D; ++i) {
                double yi = 0;
                for (size_t j = 0; j < D; ++j) yi += P[i * D + j] * diff[j];
                y[k * D + i] = yi;
                q += diff[i] * yi;
            }
            l[k] = weights_[k] > 0 ? logNorm_[k] - 0.5 * q : -std::numeric_limits<double>::infinity();
            lmax = std::max(lmax, l[k]);
        }
        double sum = 0;
        for (size_t k = 0; k < K; ++k) {
            // Below e⁻⁶⁰ of the leading component a term changes neither sum nor score in float64.
            l[k] = l[k] - lmax > -60 ? std::exp(l[k] - lmax) : 0.0;
            sum += l[k];
        }
        if (logp) (*logp)[n] = lmax + std::log(sum);
        if (score) {
            double* sn = score->data() + n * D;
            for (size_t i = 0; i < D; ++i) sn[i] = 0;
            for (size_t k = 0; k < K; ++k) {
                if (l[k] == 0) continue;
                const double r = l[k] / sum;
                for (size_t i = 0; i < D; ++i) sn[i] -= r * y[k * D + i];
            }
        }
    }
}

}  // namespace geo
