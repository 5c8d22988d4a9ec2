#pragma once
// Globally shortest paths of the density metric in 2-D by Dijkstra on a grid with a 16-neighbour
// stencil. It finds the right route among several; a refinement then makes it a smooth geodesic.
#include <vector>

#include "field/field.h"
#include "common/solve_control.h"

namespace geo {

class GridGraph {
public:
    // Samples log p of a 2-D field with exact density at gridSize × gridSize nodes covering box.
    GridGraph(const Field& field, const Box& box, int gridSize);

    const Box& box() const { return box_; }
    bool covers(const Eigen::Vector2d& p) const;
    // The path from a to b through grid nodes (a and b themselves first and last).
    Points shortestPath(const Eigen::Vector2d& a, const Eigen::Vector2d& b, const SolveControl& control = {}) const;

private:
    int nodeNear(const Eigen::Vector2d& p) const;
    Eigen::Vector2d nodePosition(int node) const;

    Box box_;
    int n_;
    double hx_, hy_;
    std::vector<double> halfWeight_;  // exp(−½(log p − max log p)) per node: edge cost = len · hw_u · hw_v
};

}  // namespace geo
