#include "solver/latent_ivp.h"

#include <cmath>

#include "common/errors.h"

namespace geo {

namespace {

Eigen::VectorXd withoutComponent(const Eigen::VectorXd& m, const Eigen::VectorXd& u) {
    const double uu = u.squaredNorm();
    return uu > 0 ? Eigen::VectorXd(m - (m.dot(u) / uu) * u) : m;
}

}  // namespace

LatentIvpResult shootLatentGeodesic(const PathScore& score, const Eigen::VectorXd& x0, const Eigen::VectorXd& v0, const LatentIvpOptions& o,
                                    const SolveControl& control, const std::function<void(int, int)>& progress) {
    if (x0.size() != score.dim() || v0.size() != score.dim()) throw InputError("the start point and velocity must have the score's dimension");
    if (!x0.allFinite() || !v0.allFinite()) throw InputError("the start point or velocity is not finite");
    if (o.steps < 1) throw InputError("the initial-value problem needs 1 step or more");
    if (!(o.alpha > 0 && std::isfinite(o.alpha))) throw InputError("alpha must be a positive number");
    if (!(o.tEnd != o.tStart && std::isfinite(o.tEnd) && std::isfinite(o.tStart))) throw InputError("the shot must span a non-zero range of t");
    const double radius = o.radius > 0 ? o.radius : x0.norm();
    Eigen::VectorXd x = o.sphere ? Eigen::VectorXd(x0 * (radius / x0.norm())) : x0;
    Eigen::VectorXd v = o.sphere ? withoutComponent(v0, x) : v0;
    const double speed = v0.norm();
    if (!(speed > 0) || v.norm() == 0) throw InputError("the initial velocity is zero (or points straight off the sphere)");
    v *= speed / v.norm();
    const double h = (o.tEnd - o.tStart) / o.steps;

    LatentIvpResult r;
    r.positions.resize(o.steps + 1, x.size());
    r.positions.row(0) = x.transpose();
    r.t.push_back(o.tStart);
    for (int k = 0; k < o.steps; ++k) {
        const double t = o.tStart + k * h;
        auto accel = [&](const Eigen::VectorXd& xs, const Eigen::VectorXd& vs, int stage) {
            Points p(1, xs.size());
            p.row(0) = xs.transpose();
            const int64_t draw = o.firstDraw == PathScore::kDeterministic ? PathScore::kDeterministic : o.firstDraw + 4LL * k + stage;
            Eigen::VectorXd s = score.score(p, {t}, draw, control).row(0).transpose();
            r.evaluations += score.evaluationsPerPoint(draw);
            if (!s.allFinite()) throw InputError("the model's score is not finite at step " + std::to_string(k + 1));
            if (o.sphere) s = withoutComponent(s, xs);
            // dt-scaled: along t the speed is |v|, and the normal acceleration is −α|v|² P⊥s.
            Eigen::VectorXd a = -o.alpha * vs.squaredNorm() * withoutComponent(s, vs);
            if (o.sphere) a = withoutComponent(a, xs);
            return a;
        };
        const Eigen::VectorXd k1x = v, k1v = accel(x, v, 0);
        const Eigen::VectorXd k2x = v + 0.5 * h * k1v, k2v = accel(x + 0.5 * h * k1x, k2x, 1);
        const Eigen::VectorXd k3x = v + 0.5 * h * k2v, k3v = accel(x + 0.5 * h * k2x, k3x, 2);
        const Eigen::VectorXd k4x = v + h * k3v, k4v = accel(x + h * k3x, k4x, 3);
        x += h / 6 * (k1x + 2 * k2x + 2 * k3x + k4x);
        v += h / 6 * (k1v + 2 * k2v + 2 * k3v + k4v);
        if (o.sphere) {
            x *= radius / x.norm();
            v = withoutComponent(v, x);
        }
        v *= speed / v.norm();
        r.positions.row(k + 1) = x.transpose();
        r.t.push_back(o.tStart + (k + 1) * h);
        if (progress) progress(k + 1, o.steps);
    }
    return r;
}

}  // namespace geo
