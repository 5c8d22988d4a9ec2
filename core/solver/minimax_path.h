#pragma once
// The minimax (bottleneck) path on a grid: among all 8-connected grid paths between two nodes, the
// one whose highest value is lowest. For a potential U sampled on a grid this is the lower bound on
// the maximum energy of any transition path between two minima (the barrier at the lowest saddle),
// up to the grid's resolution.
#include <Eigen/Core>
#include <vector>

namespace geo {

struct MinimaxPath {
    double barrier = 0;                 // the highest value on the best path
    std::vector<Eigen::Index> nodes;    // flat indices j * nx + i, from start to goal
};

// values: nx × ny grid, values(i, j) at column i, row j. InputError for a start or goal off the grid.
MinimaxPath minimaxPath(const Eigen::MatrixXd& values, Eigen::Index start, Eigen::Index goal);

}  // namespace geo
