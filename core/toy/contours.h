#pragma once
// Iso-lines of a sampled field by marching squares.
#include <array>
#include <vector>

#include "field/field_grid.h"

namespace geo {

using Segment = std::array<Eigen::Vector2d, 2>;

// Segments of the level set {log p = level}, in field coordinates.
std::vector<Segment> contourSegments(const FieldGrid& grid, double level);

// `count` levels of log p evenly spaced from the maximum down to `depth` nats below it.
std::vector<double> contourLevels(const FieldGrid& grid, int count, double depth);

// The segments of all those levels together.
std::vector<Segment> contourSet(const FieldGrid& grid, int count, double depth);

}  // namespace geo
