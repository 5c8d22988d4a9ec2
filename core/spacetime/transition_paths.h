#pragma once
// Transition-path sampling with spacetime geodesics (spacetime-geodesics.md §11–12) on 2-D Boltzmann
// systems p ∝ exp(−U/T): the geodesic between two minima, optionally constrained to low noise or to
// keep away from a forbidden posterior; annealed Langevin sampling along it, whose chains are the
// transition paths; their maximum energies; and the minimax barrier, the lower bound on those.
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "field/field.h"
#include "common/solve_control.h"
#include "spacetime/denoiser.h"
#include "spacetime/spacetime_bvp.h"

namespace geo {

enum class TpsConstraint { None, LowVariance, Avoid };
TpsConstraint parseTpsConstraint(const std::string& name);  // none | low-variance | avoid
std::string tpsConstraintName(TpsConstraint c);

struct TpsSystem {
    std::string name, description;
    std::shared_ptr<const Field> data;           // p ∝ exp(−U/T), with its log density
    std::shared_ptr<const Denoiser> denoiser;    // the exact posterior of `data`
    std::function<double(double, double)> potential;  // U, the units energies are reported in
    Eigen::Vector2d from, to;                    // two minima of U
    double endpointLambda = 4;                   // the endpoints are placed at this log-SNR directly
    // Region avoidance keeps the curve's posteriors away from the one at z* = (forbidden,
    // forbiddenLambda): KL(z* ‖ γ_s) ≥ KL(z* ‖ γ_0) − klDrop along the curve (§11).
    Eigen::Vector2d forbidden;
    double forbiddenLambda = 4, klDrop = 0;
    double lowVarianceLambda = 3, avoidVarianceLambda = 3.75;  // the hinges' log-SNR thresholds
    Box view;                                    // the drawn region and the lower bound's grid
};
std::vector<std::string> tpsSystemNames();
TpsSystem tpsSystem(const std::string& name);   // InputError naming the known ones

struct LangevinSettings {
    int paths = 8;            // chains
    int stepsPerPoint = 128;  // K Langevin steps per curve point
    double stepSize = 4e-4;   // ds in x ← x + ½ ds ∇log p(x | γ_n) + √ds ξ
    unsigned long long seed = 1;
};

struct TpsOptions {
    int points = 128;
    int nodes = 10;
    TpsConstraint constraint = TpsConstraint::None;
    // The constraint's hinge weight rises through these stages, each solve warm-started from the last
    // (a continuation in place of the reference's per-step ramp r(k), which suits Adam, not L-BFGS).
    std::vector<double> ramp{1, 10, 100};
};

struct TpsGeodesic {
    SpacetimeBvpResult bvp;
    Eigen::VectorXd klChange;  // ΔKL_n of §6 relative to z*, n = 0..N−1
    int stages = 0;            // solves run
};

TpsGeodesic solveTransitionGeodesic(const TpsSystem& system, const TpsOptions& options, const SolveControl& control = {});

// Each chain starts at γ_0's x and takes K steps at every curve point, targeting the posterior
// p(x | γ_n) ∝ p(x) exp(−‖α x − x_t‖²/(2σ²)); all N·K + 1 states are kept.
std::vector<Points> sampleTransitionPaths(const Field& data, const SpacetimePath& curve, const LangevinSettings& settings,
                                          const SolveControl& control = {});

double maxEnergy(const TpsSystem& system, const Points& path);

// The states of a chain at the end of each curve point's K steps (and its start): N + 1 of N·K + 1.
Points statesAtCurvePoints(const Points& chain, int stepsPerPoint);

struct EnergySpread {
    double mean = 0, std = 0;  // std with the n − 1 divisor; 0 for a single value
};
EnergySpread meanAndSpread(const std::vector<double>& values);

struct TpsLowerBound {
    double barrier = 0;  // min over paths of max U, on the grid
    Points path;         // the minimax grid path, for drawing
};
TpsLowerBound minimaxLowerBound(const TpsSystem& system, int gridSize = 400);

}  // namespace geo
