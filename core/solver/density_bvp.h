#pragma once
// The density boundary-value problem: the shortest path from a to b in the metric |v| / p(x).
//
// In 2-D with exact density a grid graph search picks the globally shortest route; then a
// dimension-free refinement (it needs only scores, batched over the path's points) turns it into
// the smooth geodesic. Refinement step, for the interior points X with spacing h:
//     (I − η/h² D₂) X⁺ = X + η P⊥ ∇log p(X)
// D₂ is the second difference with both endpoints fixed. The curvature term is implicit, so the
// step size is limited by the score alone. Its fixed points satisfy the Euler–Lagrange equation
// γ'' = −P⊥∇log p at unit speed, with equally spaced points. A step is kept only if the discrete
// length does not grow; otherwise η is halved (and it grows by 1.3 after each kept step).
//
// Stopping rule: the solve has converged when the mean scale-free Euler–Lagrange residual (see
// elResidual) is below `residualTolerance`, when 5 consecutive kept steps together shorten the path
// by less than `lengthTolerance` (relative), or when 6 steps in a row (η shrunk 64-fold) fail to
// shorten it; it gives up after `maxIterations` steps, with converged = false.
#include <functional>
#include <string>
#include <vector>

#include "field/field.h"
#include "solver/graph_search.h"
#include "common/solve_control.h"

namespace geo {

struct BvpOptions {
    int points = 128;
    enum class Start { Auto, GraphSearch, Straight } start = Start::Auto;  // Auto: graph search in 2-D
    int gridSize = 100;
    const GridGraph* graph = nullptr;  // a graph for this field to reuse; built on demand when null
    int maxIterations = 3000;
    double residualTolerance = 1e-3;
    double lengthTolerance = 1e-7;
};

struct BvpSnapshot {
    std::string stage;  // "graph", "refine" or "done"
    int iteration = 0;
    const Points* path = nullptr;
    double length = 0;     // the discrete length being minimised (relative to p(a) if density unknown)
    double residual = 0;   // mean scale-free Euler–Lagrange residual
};

struct BvpResult {
    Points path;
    Points startPath;      // what refinement started from (graph path or straight line), resampled
    double length = 0;     // as in BvpSnapshot
    int iterations = 0;
    bool converged = false;
    std::vector<double> residualHistory;  // one value per kept step
};

using BvpCallback = std::function<void(const BvpSnapshot&)>;

// Throws InputError on bad endpoints or options or when the field is not finite on the starting
// path (a candidate step into such a region is merely rejected), Cancelled when control's flag is raised.
BvpResult solveDensityBvp(const Field& field, const Eigen::VectorXd& a, const Eigen::VectorXd& b,
                          const BvpOptions& options = {}, const SolveControl& control = {},
                          const BvpCallback& onSnapshot = {});

// The box a graph search should cover for these endpoints.
Box graphSearchBox(const Field& field, const Eigen::Vector2d& a, const Eigen::Vector2d& b);

}  // namespace geo
