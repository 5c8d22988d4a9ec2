#pragma once
// One toy-mode solve as every front end reads it: the geodesic, the straight segment, and the
// diagnostics of both.
#include "measures/path_diagnostics.h"
#include "solver/density_bvp.h"

namespace geo {

struct ToyBvpOutcome {
    Points geodesic, straight;
    PathReport geodesicReport, straightReport;
    int iterations = 0;
    bool converged = false;
    double seconds = 0;
};

ToyBvpOutcome solveToyBvp(const Field& field, const Eigen::VectorXd& a, const Eigen::VectorXd& b,
                          const BvpOptions& options = {}, const SolveControl& control = {},
                          const BvpCallback& onSnapshot = {});

}  // namespace geo
