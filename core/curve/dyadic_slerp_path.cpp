#include "curve/dyadic_slerp_path.h"

#include <algorithm>
#include <cmath>
#include <string>

#include "common/errors.h"

namespace geo {

namespace {

constexpr double kSmallAngle = 1e-6;

double angleBetween(const Eigen::VectorXd& x0, const Eigen::VectorXd& x1) {
    const double n = x0.norm() * x1.norm();
    if (n == 0) return 0;
    const double c = std::clamp(x0.dot(x1) / n, -1.0, 1.0);
    if (c < -1 + 1e-12) throw InputError("slerp between antipodal points has no preferred great circle");
    return std::acos(c);
}

}  // namespace

Eigen::VectorXd slerp(const Eigen::VectorXd& x0, const Eigen::VectorXd& x1, double a) {
    const double theta = angleBetween(x0, x1);
    if (theta < kSmallAngle) return (1 - a) * x0 + a * x1;
    const double s = std::sin(theta);
    return (std::sin((1 - a) * theta) / s) * x0 + (std::sin(a * theta) / s) * x1;
}

Eigen::VectorXd slerpDerivative(const Eigen::VectorXd& x0, const Eigen::VectorXd& x1, double a) {
    const double theta = angleBetween(x0, x1);
    if (theta < kSmallAngle) return x1 - x0;
    const double s = std::sin(theta);
    return (theta / s) * (-std::cos((1 - a) * theta) * x0 + std::cos(a * theta) * x1);
}

DyadicSlerpPath::DyadicSlerpPath(const Eigen::VectorXd& a, const Eigen::VectorXd& b) {
    if (a.size() != b.size() || a.size() == 0) throw InputError("the path's endpoints must have the same, non-zero dimension");
    set(0, a);
    set(1, b);
}

int64_t DyadicSlerpPath::keyOf(double t) {
    const double scaled = std::ldexp(t, kKeyBits);
    if (!(t >= 0 && t <= 1) || scaled != std::floor(scaled))
        throw InputError("control point t = " + std::to_string(t) + " is not a dyadic fraction j/2^" + std::to_string(kKeyBits) + " in [0, 1]");
    return static_cast<int64_t>(scaled);
}

void DyadicSlerpPath::set(double t, const Eigen::VectorXd& x) {
    if (!points_.empty() && x.size() != dim()) throw InputError("control point of dimension " + std::to_string(x.size()) + ", the path has " + std::to_string(dim()));
    if (!x.allFinite()) throw InputError("control point at t = " + std::to_string(t) + " is not finite");
    points_[keyOf(t)] = x;
    splineStale_ = true;
}

std::vector<double> DyadicSlerpPath::knots() const {
    std::vector<double> t;
    for (const auto& [key, x] : points_) t.push_back(tOf(key));
    return t;
}

Points DyadicSlerpPath::controlPoints() const {
    Points p(size(), dim());
    int i = 0;
    for (const auto& [key, x] : points_) p.row(i++) = x.transpose();
    return p;
}

std::pair<std::map<int64_t, Eigen::VectorXd>::const_iterator, std::map<int64_t, Eigen::VectorXd>::const_iterator>
DyadicSlerpPath::segment(double t) const {
    if (points_.size() < 2) throw std::logic_error("DyadicSlerpPath needs both endpoints");
    if (!(t >= 0 && t <= 1)) throw InputError("path parameter t = " + std::to_string(t) + " lies outside [0, 1]");
    const int64_t key = static_cast<int64_t>(std::floor(std::ldexp(t, kKeyBits)));
    auto hi = points_.upper_bound(key);
    if (hi == points_.end()) --hi;
    return {std::prev(hi), hi};
}

Eigen::VectorXd DyadicSlerpPath::position(double t) const {
    const auto [lo, hi] = segment(t);
    const double t0 = tOf(lo->first), t1 = tOf(hi->first);
    return slerp(lo->second, hi->second, (t - t0) / (t1 - t0));
}

Eigen::VectorXd DyadicSlerpPath::velocity(double t) const {
    const auto [lo, hi] = segment(t);
    const double t0 = tOf(lo->first), t1 = tOf(hi->first);
    Eigen::VectorXd v = slerpDerivative(lo->second, hi->second, (t - t0) / (t1 - t0)) / (t1 - t0);
    if (t == t0 && lo != points_.begin()) {  // an interior knot: average with the segment to its left
        const auto left = std::prev(lo);
        v = 0.5 * (v + slerpDerivative(left->second, lo->second, 1) / (t0 - tOf(left->first)));
    }
    return v;
}

void DyadicSlerpPath::fitSpline() const {
    if (!splineStale_) return;
    const Points y = controlPoints();
    const std::vector<double> t = knots();
    const int n = static_cast<int>(t.size()) - 1;
    secondDerivatives_ = Points::Zero(n + 1, dim());
    if (n >= 2) {
        // Thomas algorithm on the tridiagonal system of the interior M_1 … M_{n−1}; the matrix is the
        // same for every coordinate, so its elimination factors are computed once.
        std::vector<double> diag(n), upper(n), factor(n);
        Points rhs(n + 1, dim());
        for (int i = 1; i < n; ++i) {
            const double hl = t[i] - t[i - 1], hr = t[i + 1] - t[i];
            diag[i] = 2 * (hl + hr);
            upper[i] = hr;
            rhs.row(i) = 6 * ((y.row(i + 1) - y.row(i)) / hr - (y.row(i) - y.row(i - 1)) / hl);
        }
        for (int i = 2; i < n; ++i) {
            factor[i] = (t[i] - t[i - 1]) / diag[i - 1];
            diag[i] -= factor[i] * upper[i - 1];
            rhs.row(i) -= factor[i] * rhs.row(i - 1);
        }
        secondDerivatives_.row(n - 1) = rhs.row(n - 1) / diag[n - 1];
        for (int i = n - 2; i >= 1; --i) secondDerivatives_.row(i) = (rhs.row(i) - upper[i] * secondDerivatives_.row(i + 1)) / diag[i];
    }
    splineStale_ = false;
}

Eigen::VectorXd DyadicSlerpPath::acceleration(double t) const {
    fitSpline();
    const auto [lo, hi] = segment(t);
    const int i = static_cast<int>(std::distance(points_.begin(), lo));
    const double t0 = tOf(lo->first), t1 = tOf(hi->first), a = (t - t0) / (t1 - t0);
    return ((1 - a) * secondDerivatives_.row(i) + a * secondDerivatives_.row(i + 1)).transpose();
}

namespace {

template <typename F>
Points rowsAt(const std::vector<double>& ts, int dim, F&& f) {
    Points out(static_cast<Eigen::Index>(ts.size()), dim);
    for (size_t i = 0; i < ts.size(); ++i) out.row(static_cast<Eigen::Index>(i)) = f(ts[i]).transpose();
    return out;
}

}  // namespace

Points DyadicSlerpPath::positions(const std::vector<double>& ts) const {
    return rowsAt(ts, dim(), [this](double t) { return position(t); });
}
Points DyadicSlerpPath::velocities(const std::vector<double>& ts) const {
    return rowsAt(ts, dim(), [this](double t) { return velocity(t); });
}
Points DyadicSlerpPath::accelerations(const std::vector<double>& ts) const {
    return rowsAt(ts, dim(), [this](double t) { return acceleration(t); });
}

}  // namespace geo
