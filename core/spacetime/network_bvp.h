#pragma once
// The spacetime geodesic between two points (λ, x) of a network's spacetime (spacetime-geodesics.md
// §9, §10): the spline curve of the toy solver (spline_curve.h) in the coordinates [λ, x], its weights
// optimised (Adam by default: the estimator is stochastic) on the network energy of network_energy.h,
// with a fresh shared probe at every evaluation (common random numbers within one, §15 item 3).
// A snapshot after every energy evaluation; cancel between network calls.
#include <Eigen/Dense>
#include <functional>

#include "spacetime/network_energy.h"
#include "spacetime/spacetime_bvp.h"

namespace geo {

class NetworkPosterior;

struct NetworkBvpSnapshot {
    int evaluation = 0;           // energy evaluations so far (a line search makes several per step)
    double energy = 0;            // this step's estimate
    const Eigen::MatrixXd* points = nullptr;  // N × (1 + D), valid during the call
    long long forward = 0, backward = 0;      // network passes so far
};

struct NetworkBvpResult {
    Eigen::MatrixXd points;       // N × (1 + D), [λ, x]
    Eigen::MatrixXd weights;      // spline weights, to warm-start a finer solve
    NetworkEnergy energy;         // re-estimated on the result with `probes` fresh probes (mean), canonical (no clamp)
    double energyError = 0;       // its standard error over those probes
    double lengthError = 0;       // the length's (energy.length) standard error over them
    int steps = 0;
    bool converged = false;
    bool unhealthy = false;       // stopped: too many segments came out negative (below)
    long long forward = 0, backward = 0;
};

// options: points, nodes, optimiser, learning rate, steps, stopping rule and warm start as for the toy
// solve (its penalties are ignored). `probes`: fresh probes averaged for the reported energy.
// The solve stops when more than a quarter of the segments of an evaluation come out negative in the
// canonical form (§15 item 2's health metric): a true posterior never gives one, so the curve has
// reached where the network's second moment is wrong, and the result is the curve of that moment.
NetworkBvpResult solveNetworkSpacetimeBvp(const NetworkPosterior& posterior, const Eigen::VectorXd& from, const Eigen::VectorXd& to,
                                          const SpacetimeBvpOptions& options, const NetworkEnergyOptions& energy = {}, int probes = 8,
                                          const SolveControl& control = {},
                                          const std::function<void(const NetworkBvpSnapshot&)>& onStep = {});

}  // namespace geo
