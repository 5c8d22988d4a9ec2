#include "spacetime/boltzmann_denoiser.h"

#include <algorithm>
#include <cmath>

#include "common/errors.h"

namespace geo {

namespace {

constexpr double kLatticeReach = 16;  // window half-width on the lattice, in units of s
constexpr double kLocalReach = 12;    // half-width of the local grid, in units of s
constexpr double kNodesPerWidth = 2.5;
constexpr double kNegligibleLogWeight = 80;

// Weighted sums of 1, d, ‖d‖² with d = node − centre, for centred (cancellation-free) moments.
struct Sums {
    double s0 = 0, sx = 0, sy = 0, s2 = 0;
    void add(double w, double dx, double dy) {
        s0 += w;
        sx += w * dx;
        sy += w * dy;
        s2 += w * (dx * dx + dy * dy);
    }
};

}  // namespace

BoltzmannDenoiser::BoltzmannDenoiser(std::shared_ptr<const Field> field, Box support, double spacing)
    : field_(std::move(field)), support_(std::move(support)), h_(spacing) {
    if (!field_ || field_->dim() != 2 || !field_->hasLogDensity())
        throw InputError("the Boltzmann denoiser needs a 2-D field with a known log density");
    if (support_.lo.size() != 2 || support_.hi.size() != 2 || !((support_.hi - support_.lo).minCoeff() > 0))
        throw InputError("the Boltzmann denoiser's support box must be 2-D and non-empty");
    if (!(h_ > 0) || (support_.hi - support_.lo).maxCoeff() / h_ > 4000)
        throw InputError("the Boltzmann denoiser's lattice spacing must be positive and give at most 4000 nodes a side");
    nx_ = static_cast<int>(std::floor((support_.hi[0] - support_.lo[0]) / h_)) + 1;
    ny_ = static_cast<int>(std::floor((support_.hi[1] - support_.lo[1]) / h_)) + 1;
    Points nodes(static_cast<Eigen::Index>(nx_) * ny_, 2);
    for (int j = 0; j < ny_; ++j)
        for (int i = 0; i < nx_; ++i) nodes.row(static_cast<Eigen::Index>(j) * nx_ + i) << support_.lo[0] + i * h_, support_.lo[1] + j * h_;
    const Eigen::VectorXd logp = field_->logDensity(nodes);
    const double top = logp.maxCoeff();
    if (!std::isfinite(top)) throw InputError("the field's log density is not finite on the Boltzmann denoiser's lattice");
    // Crop the lattice to the nodes that carry weight (above e^−80 of the peak): the sums skip the rest.
    int i0 = nx_, i1 = -1, j0 = ny_, j1 = -1;
    for (int j = 0; j < ny_; ++j)
        for (int i = 0; i < nx_; ++i)
            if (logp[static_cast<Eigen::Index>(j) * nx_ + i] - top > -kNegligibleLogWeight) {
                i0 = std::min(i0, i), i1 = std::max(i1, i);
                j0 = std::min(j0, j), j1 = std::max(j1, j);
            }
    const int fullWidth = nx_;
    nx_ = i1 - i0 + 1;
    ny_ = j1 - j0 + 1;
    support_.lo += Eigen::Vector2d(i0 * h_, j0 * h_);
    support_.hi = support_.lo + Eigen::Vector2d((nx_ - 1) * h_, (ny_ - 1) * h_);
    logWeight_.resize(static_cast<size_t>(nx_) * ny_);
    weight_.resize(logWeight_.size());
    for (int j = 0; j < ny_; ++j)
        for (int i = 0; i < nx_; ++i) {
            const size_t k = static_cast<size_t>(j) * nx_ + i;
            logWeight_[k] = logp[static_cast<Eigen::Index>(j + j0) * fullWidth + i + i0] - top;
            weight_[k] = std::exp(logWeight_[k]);
        }
}

PosteriorMoments BoltzmannDenoiser::moments(const Points& x, const Eigen::VectorXd& alpha, const Eigen::VectorXd& sigma) const {
    if (x.cols() != 2 || alpha.size() != x.rows() || sigma.size() != x.rows())
        throw InputError("the Boltzmann denoiser takes N × 2 points with one noise level each");
    PosteriorMoments m;
    m.mean.resize(x.rows(), 2);
    m.secondMoment.resize(x.rows());
    m.divergence.resize(x.rows());
    for (Eigen::Index n = 0; n < x.rows(); ++n) {
        const double a = alpha[n], sig = sigma[n], s = sig / a;
        const Eigen::Vector2d c = x.row(n).transpose() / a;
        const Moments p = s >= kNodesPerWidth * h_ ? onLattice(c, s) : onLocalGrid(c, s);
        m.mean.row(n) = p.mean.transpose();
        m.secondMoment[n] = p.mean.squaredNorm() + p.covarianceTrace;
        m.divergence[n] = a / (sig * sig) * p.covarianceTrace;  // Tweedie: Cov = (σ²/α) ∂E/∂x
    }
    return m;
}

BoltzmannDenoiser::Moments BoltzmannDenoiser::onLattice(Eigen::Vector2d c, double s) const {
    auto range = [&](int axis, int count) {
        const double lo = support_.lo[axis];
        int first = static_cast<int>(std::ceil((c[axis] - kLatticeReach * s - lo) / h_));
        int last = static_cast<int>(std::floor((c[axis] + kLatticeReach * s - lo) / h_));
        first = std::clamp(first, 0, count - 1);  // a centre beyond the box keeps the nearest edge
        last = std::clamp(last, first, count - 1);
        return std::pair{first, last};
    };
    const auto [i0, i1] = range(0, nx_);
    const auto [j0, j1] = range(1, ny_);
    const int w = i1 - i0 + 1;
    std::vector<double> dx(w), logGx(w), gx(w);
    for (int i = i0; i <= i1; ++i) {
        dx[i - i0] = support_.lo[0] + i * h_ - c[0];
        logGx[i - i0] = -dx[i - i0] * dx[i - i0] / (2 * s * s);
        gx[i - i0] = std::exp(logGx[i - i0]);
    }
    Sums sums;
    for (int j = j0; j <= j1; ++j) {
        const double dy = support_.lo[1] + j * h_ - c[1], gy = std::exp(-dy * dy / (2 * s * s));
        const double* row = weight_.data() + static_cast<size_t>(j) * nx_ + i0;
        double r0 = 0, r1 = 0, r2 = 0;
        for (int i = 0; i < w; ++i) {
            const double v = row[i] * gx[i];
            r0 += v;
            r1 += v * dx[i];
            r2 += v * dx[i] * dx[i];
        }
        sums.s0 += gy * r0;
        sums.sx += gy * r1;
        sums.sy += gy * dy * r0;
        sums.s2 += gy * (r2 + dy * dy * r0);
    }
    if (!(sums.s0 > 1e-200)) {  // the window's weights underflow: sum again relative to their maximum
        double top = -INFINITY;
        for (int j = j0; j <= j1; ++j) {
            const double dy = support_.lo[1] + j * h_ - c[1];
            for (int i = i0; i <= i1; ++i)
                top = std::max(top, logWeight_[static_cast<size_t>(j) * nx_ + i] + logGx[i - i0] - dy * dy / (2 * s * s));
        }
        sums = {};
        for (int j = j0; j <= j1; ++j) {
            const double dy = support_.lo[1] + j * h_ - c[1];
            for (int i = i0; i <= i1; ++i)
                sums.add(std::exp(logWeight_[static_cast<size_t>(j) * nx_ + i] + logGx[i - i0] - dy * dy / (2 * s * s) - top), dx[i - i0], dy);
        }
    }
    const Eigen::Vector2d d(sums.sx / sums.s0, sums.sy / sums.s0);
    return {c + d, std::max(0.0, sums.s2 / sums.s0 - d.squaredNorm())};
}

BoltzmannDenoiser::Moments BoltzmannDenoiser::onLocalGrid(Eigen::Vector2d c, double s) const {
    const int half = static_cast<int>(std::ceil(kLocalReach * kNodesPerWidth)), side = 2 * half + 1;
    const double step = s / kNodesPerWidth;
    Points nodes(side * side, 2);
    for (int j = 0; j < side; ++j)
        for (int i = 0; i < side; ++i) nodes.row(j * side + i) << c[0] + (i - half) * step, c[1] + (j - half) * step;
    Eigen::VectorXd logw = field_->logDensity(nodes);
    for (int k = 0; k < logw.size(); ++k) logw[k] -= (nodes.row(k) - c.transpose()).squaredNorm() / (2 * s * s);
    const double top = logw.maxCoeff();
    if (!std::isfinite(top)) throw InputError("the field's log density is not finite near the denoised point");
    Sums sums;
    for (int k = 0; k < logw.size(); ++k) sums.add(std::exp(logw[k] - top), nodes(k, 0) - c[0], nodes(k, 1) - c[1]);
    const Eigen::Vector2d d(sums.sx / sums.s0, sums.sy / sums.s0);
    return {c + d, std::max(0.0, sums.s2 / sums.s0 - d.squaredNorm())};
}

}  // namespace geo
