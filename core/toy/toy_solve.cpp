#include "toy/toy_solve.h"

#include <chrono>

#include "curve/polyline.h"

namespace geo {

ToyBvpOutcome solveToyBvp(const Field& field, const Eigen::VectorXd& a, const Eigen::VectorXd& b,
                          const BvpOptions& options, const SolveControl& control, const BvpCallback& onSnapshot) {
    const auto start = std::chrono::steady_clock::now();
    BvpResult r = solveDensityBvp(field, a, b, options, control, onSnapshot);
    ToyBvpOutcome out;
    out.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    out.geodesic = std::move(r.path);
    out.straight = straightLine(a, b, options.points);
    out.iterations = r.iterations;
    out.converged = r.converged;
    out.geodesicReport = analysePath(field, out.geodesic);
    out.straightReport = analysePath(field, out.straight);
    return out;
}

}  // namespace geo
