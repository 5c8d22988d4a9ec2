#include "spacetime/network_bvp.h"

#include <cmath>

#include "common/errors.h"
#include "diffusion/network_posterior.h"

namespace geo {

NetworkBvpResult solveNetworkSpacetimeBvp(const NetworkPosterior& q, const Eigen::VectorXd& from, const Eigen::VectorXd& to,
                                          const SpacetimeBvpOptions& o, const NetworkEnergyOptions& e, int probes, const SolveControl& control,
                                          const std::function<void(const NetworkBvpSnapshot&)>& onStep) {
    const auto shape = q.model().latentShape();
    const Eigen::Index dims = 1 + shape[0] * shape[1] * shape[2];
    if (from.size() != dims || to.size() != dims) throw InputError("spacetime endpoints need [λ, x] with " + std::to_string(dims - 1) + " latent coordinates");
    if (probes < 1) throw InputError("the final energy needs one probe or more");
    const SplineCurve curve(from, to, o.nodes, o.continuity);
    NetworkBvpResult r;
    uint64_t evaluation = 0;
    SpacetimeBvpOptions options = o;
    options.stopEarly = [&r] { return r.unhealthy; };
    const SplineFit fit = minimizeOverSpline(curve, [&](const Eigen::MatrixXd& points, Eigen::MatrixXd* gradient) {
        NetworkEnergyOptions eo = e;
        eo.seed = e.seed + 1000003ULL * ++evaluation;  // fresh probe per evaluation, shared by its points
        NetworkEnergy n = networkSpacetimeEnergy(q, points, gradient != nullptr, eo, control);
        if (4 * n.negativeSegments > points.rows() - 1) r.unhealthy = true;
        r.forward += n.forward;
        r.backward += n.backward;
        if (gradient) *gradient = std::move(n.gradient);
        if (onStep) onStep({static_cast<int>(evaluation), n.energy, &points, r.forward, r.backward});
        return n.energy;
    }, options, control);
    r.weights = fit.weights;
    r.steps = fit.steps;
    r.converged = fit.converged;
    r.points = curve.evaluate(fit.weights, o.points);
    std::vector<NetworkEnergy> estimates;
    for (int p = 0; p < probes; ++p) {
        NetworkEnergyOptions eo = e;
        eo.seed = e.seed + 7919ULL * static_cast<uint64_t>(p + 1) + 17;
        eo.clamp = NetworkEnergyOptions::Clamp::Canonical;  // what is reported, whatever was minimised
        estimates.push_back(networkSpacetimeEnergy(q, r.points, false, eo, control));
        r.forward += estimates.back().forward;
    }
    r.energy = estimates.front();
    double mean = 0, length = 0, var = 0, lengthVar = 0;
    for (const NetworkEnergy& n : estimates) mean += n.energy / probes, length += n.length / probes;
    for (const NetworkEnergy& n : estimates) var += (n.energy - mean) * (n.energy - mean), lengthVar += (n.length - length) * (n.length - length);
    r.energy.energy = mean;
    r.energy.length = length;
    r.energyError = probes > 1 ? std::sqrt(var / (probes - 1) / probes) : 0;
    r.lengthError = probes > 1 ? std::sqrt(lengthVar / (probes - 1) / probes) : 0;
    return r;
}

}  // namespace geo
