#include "spacetime/spacetime_energy.h"

#include <cmath>

#include "common/errors.h"

namespace geo {

ExponentialCoordinates exponentialCoordinates(const Denoiser& denoiser, const LogSnrSchedule& schedule, const SpacetimePath& path) {
    const Eigen::Index n = path.x.rows(), d = path.x.cols();
    if (path.t.size() != n) throw InputError("a spacetime path needs one time per point");
    Eigen::VectorXd alpha(n), sigma(n);
    for (Eigen::Index i = 0; i < n; ++i) {
        alpha[i] = schedule.alpha(path.t[i]);
        sigma[i] = schedule.sigma(path.t[i]);
    }
    const PosteriorMoments m = denoiser.moments(path.x, alpha, sigma);
    ExponentialCoordinates c{Points(n, d + 1), Points(n, d + 1)};
    for (Eigen::Index i = 0; i < n; ++i) {
        c.eta.row(i).head(d) = alpha[i] / (sigma[i] * sigma[i]) * path.x.row(i);
        c.eta(i, d) = -0.5 * std::exp(schedule.lambda(path.t[i]));
        c.mu.row(i).head(d) = m.mean.row(i);
        c.mu(i, d) = m.secondMoment[i];
    }
    return c;
}

SpacetimeEnergy spacetimeEnergy(const ExponentialCoordinates& c) {
    const Eigen::Index n = c.eta.rows();
    if (n < 2) throw InputError("a spacetime curve needs at least two points");
    SpacetimeEnergy e;
    e.segments.resize(n - 1);
    for (Eigen::Index i = 0; i + 1 < n; ++i) {
        const double term = (c.eta.row(i + 1) - c.eta.row(i)).dot(c.mu.row(i + 1) - c.mu.row(i));
        e.segments[i] = term;
        e.codeEnergy += term;
        e.length += std::sqrt(std::max(0.0, term));
        e.negativeSegments += term < 0;
    }
    e.energy = 0.5 * static_cast<double>(n - 1) * e.codeEnergy;
    return e;
}

SpacetimeEnergy spacetimeEnergy(const Denoiser& denoiser, const LogSnrSchedule& schedule, const SpacetimePath& path) {
    return spacetimeEnergy(exponentialCoordinates(denoiser, schedule, path));
}

}  // namespace geo
