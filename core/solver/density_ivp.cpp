#include "solver/density_ivp.h"

#include <cmath>

namespace geo {

namespace {

// Acceleration −|v|² P⊥_v s(x), written into acc; `point` and `score` are 1×D scratch buffers.
void acceleration(const Field& field, const Eigen::VectorXd& x, const Eigen::VectorXd& v, Points& point,
                  Points& score, Eigen::VectorXd& acc) {
    point.row(0) = x.transpose();
    field.evaluate(point, nullptr, &score);
    const double vv = v.squaredNorm();
    const Eigen::Map<const Eigen::VectorXd> s(score.data(), x.size());
    acc = -vv * (s - (s.dot(v) / vv) * v);
}

}  // namespace

Points shootDensityGeodesic(const Field& field, const Eigen::VectorXd& x0, const Eigen::VectorXd& v0, double length,
                            int steps, const SolveControl& control) {
    const int d = field.dim();
    if (x0.size() != d || v0.size() != d)
        throw InputError("start point and velocity must have " + std::to_string(d) + " coordinates");
    if (!x0.allFinite() || !v0.allFinite()) throw InputError("start point and velocity must be finite numbers");
    if (!(v0.norm() > 0)) throw InputError("the initial velocity must not be zero");
    if (!(length > 0) || !std::isfinite(length)) throw InputError("the length must be a positive number");
    if (steps < 1) throw InputError("the number of steps must be at least 1");

    const double h = length / steps;
    Points path(steps + 1, d);
    Eigen::VectorXd x = x0, v = v0 / v0.norm();
    Eigen::VectorXd k1v(d), k2v(d), k3v(d), k4v(d), xs(d), v2(d), v3(d), v4(d);
    Points point(1, d), score(1, d);
    path.row(0) = x.transpose();
    for (int i = 0; i < steps; ++i) {
        if ((i & 255) == 0) control.throwIfCancelled();
        // Stages of RK4 on (x, v) with x' = v, v' = a(x, v); the stage velocities v, v2, v3, v4 are
        // also the position slopes.
        acceleration(field, x, v, point, score, k1v);
        xs = x + 0.5 * h * v;
        v2 = v + 0.5 * h * k1v;
        acceleration(field, xs, v2, point, score, k2v);
        xs = x + 0.5 * h * v2;
        v3 = v + 0.5 * h * k2v;
        acceleration(field, xs, v3, point, score, k3v);
        xs = x + h * v3;
        v4 = v + h * k3v;
        acceleration(field, xs, v4, point, score, k4v);
        x += (h / 6) * (v + 2 * v2 + 2 * v3 + v4);
        v += (h / 6) * (k1v + 2 * k2v + 2 * k3v + k4v);
        const double vn = v.norm();
        if (!std::isfinite(vn) || vn == 0 || !x.allFinite())
            throw InputError("the geodesic ran where the score overflows after " + std::to_string(i) + " of " +
                             std::to_string(steps) + " steps; shorten it or take more steps");
        v /= vn;
        path.row(i + 1) = x.transpose();
    }
    return path;
}

}  // namespace geo
