#include "spacetime/pf_ode.h"

#include "common/errors.h"

namespace geo {

SpacetimePath integrateProbabilityFlow(const Denoiser& denoiser, const LogSnrSchedule& schedule, const Eigen::VectorXd& xStart,
                                       double tStart, double tEnd, int steps) {
    if (steps < 1) throw InputError("the probability flow needs at least one step");
    if (xStart.size() != denoiser.dim()) throw InputError("the start point has the wrong dimension");
    SpacetimePath path{Points(steps + 1, denoiser.dim()), Eigen::VectorXd(steps + 1)};
    const double dt = (tEnd - tStart) / steps;
    Points x = xStart.transpose();
    path.x.row(0) = x;
    path.t[0] = tStart;
    for (int n = 0; n < steps; ++n) {
        const double t = tStart + n * dt, a = schedule.alpha(t), s = schedule.sigma(t), rate = schedule.lambdaRate(t);
        const Points mean = denoiser.moments(x, Eigen::VectorXd::Constant(1, a), Eigen::VectorXd::Constant(1, s)).mean;
        const Points score = (a * mean - x) / (s * s);
        x += dt * (0.5 * rate * s * s * x + 0.5 * rate * s * s * score);  // f x − ½ g² score with g² = −λ' σ²
        path.x.row(n + 1) = x;
        path.t[n + 1] = tStart + (n + 1) * dt;
    }
    return path;
}

}  // namespace geo
