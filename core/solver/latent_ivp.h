#pragma once
// The density initial-value problem in latent space (density-geodesics.md §5, with the fixes of §9):
//     ẋ = v,  v̇ = −α |v|² P⊥_v (P⊥_x s(x, t))   (then P⊥_x of that on the sphere),
// classic RK4 on (x, v) with one clock t = tStart + k·h for every stage's condition, and after every
// step x back on the sphere |x| = R, v tangent to it, and |v| restored to |v0| (constant Euclidean
// speed). The tangential projection of the score follows the sphere flag (pitfall 4).
#include <functional>

#include "solver/path_score.h"

namespace geo {

struct LatentIvpOptions {
    double alpha = 0.02;
    bool sphere = true;
    double radius = 0;     // 0: |x0|
    int steps = 64;
    double tStart = 0;     // the path parameter at x0 (conditions c(t) are read on this clock)
    double tEnd = 1;       // the parameter after `steps` steps; below tStart shoots backwards in t
    int64_t firstDraw = PathScore::kDeterministic;  // ≥ 0: stage j of step k uses draw firstDraw + 4k + j
};

struct LatentIvpResult {
    Points positions;          // steps + 1 rows, x0 first
    std::vector<double> t;     // their path parameters
    long long evaluations = 0;
};

// v0 is the velocity per unit of t (so |v0| · |tEnd − tStart| is the Euclidean length travelled).
// InputError for a zero or non-finite velocity, steps < 1 or tEnd = tStart; Cancelled on cancel.
LatentIvpResult shootLatentGeodesic(const PathScore& score, const Eigen::VectorXd& x0, const Eigen::VectorXd& v0, const LatentIvpOptions& options,
                                    const SolveControl& control = {}, const std::function<void(int done, int total)>& progress = {});

}  // namespace geo
