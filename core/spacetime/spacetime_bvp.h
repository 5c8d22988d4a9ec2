#pragma once
// The spacetime boundary-value problem: the curve between two fixed points z = (x, t) of least
// Fisher–Rao energy, plus optional penalties (spacetime_penalties.h). The curve is the reference's
// spline (spline_curve.h) evaluated at `points` points; its weights are optimised by L-BFGS (or Adam,
// as the reference does) on the reference code's energy Σ Δη·Δμ, with the gradient through exact η
// Jacobians and central-difference μ Jacobians (D + 1 coordinates per point).
//
// Stopping rule: at most maxSteps Adam steps; earlier when the best energy so far has improved by less
// than `tolerance` (relative) over the last `window` steps. The best curve seen is returned.
#include <Eigen/Dense>
#include <functional>
#include <vector>

#include "common/solve_control.h"
#include "spacetime/denoiser.h"
#include "spacetime/log_snr_schedule.h"
#include "spacetime/spacetime_energy.h"
#include "spacetime/spacetime_penalties.h"
#include "spacetime/spline_curve.h"

namespace geo {

struct SpacetimeBvpOptions {
    int points = 512;
    int nodes = 10;
    SplineCurve::Continuity continuity = SplineCurve::Continuity::Reference;
    enum class Optimizer { Lbfgs, Adam } optimizer = Optimizer::Lbfgs;
    double learningRate = 0.1;  // Adam, β = (0.9, 0.999), ε = 1e-8: the reference's toy settings
    int maxSteps = 2000;
    double tolerance = 1e-5;
    int window = 10;            // steps; Adam's noisy descent wants ~100
    std::vector<const SpacetimePenalty*> penalties;  // added to the energy; not owned
    Eigen::MatrixXd initialWeights;                  // nodes × (D + 1) spline weights; empty: the straight line
    std::function<bool()> stopEarly;                 // asked after every step; true ends the solve (not converged)
};

struct SpacetimeBvpResult {
    SpacetimePath path;
    SpacetimeEnergy energy;
    Eigen::MatrixXd weights;  // the spline weights of the curve, to warm-start another solve
    double objective = 0;     // the energy plus the penalties
    int steps = 0;
    bool converged = false;  // the tolerance rule fired before maxSteps
};

// The optimiser of the BVP over any objective of the curve's points (energy and its gradient with
// respect to every point), for curves whose energy comes from elsewhere (a network: network_energy.h).
using PointObjective = std::function<double(const Eigen::MatrixXd& points, Eigen::MatrixXd* gradient)>;
struct SplineFit {
    Eigen::MatrixXd weights;
    double objective = 0;  // the best seen
    int steps = 0;
    bool converged = false;
    bool stoppedEarly = false;  // options.stopEarly said so
};
SplineFit minimizeOverSpline(const SplineCurve& curve, const PointObjective& objective, const SpacetimeBvpOptions& options,
                             const SolveControl& control = {});

// A spacetime point as [x₁, …, x_D, t].
SpacetimeBvpResult solveSpacetimeBvp(const Denoiser& denoiser, const LogSnrSchedule& schedule, const Eigen::VectorXd& from,
                                     const Eigen::VectorXd& to, const SpacetimeBvpOptions& options = {}, const SolveControl& control = {});

// Σ Δη·Δμ of the curve at these points plus the penalties, and its gradient with respect to every
// point ([x, t] rows).
double spacetimeObjective(const Denoiser& denoiser, const LogSnrSchedule& schedule, const Eigen::MatrixXd& points,
                          const std::vector<const SpacetimePenalty*>& penalties, Eigen::MatrixXd* gradient);
double spacetimeEnergyGradient(const Denoiser& denoiser, const LogSnrSchedule& schedule, const Eigen::MatrixXd& points,
                               Eigen::MatrixXd* gradient);

}  // namespace geo
