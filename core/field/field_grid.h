#pragma once
// Regular samples of a 2-D field: log-density on a grid (heat maps, contours, graph search) and
// scores on a coarser lattice (arrows).
#include <vector>

#include "field/field.h"

namespace geo {

struct FieldGrid {
    Box box;
    int nx = 0, ny = 0;
    std::vector<double> logp;  // row j (y) after row j: logp[j * nx + i] at (x(i), y(j))

    double x(int i) const { return box.lo[0] + (box.hi[0] - box.lo[0]) * i / (nx - 1); }
    double y(int j) const { return box.lo[1] + (box.hi[1] - box.lo[1]) * j / (ny - 1); }
    double at(int i, int j) const { return logp[static_cast<size_t>(j) * nx + i]; }
    double maxLogp() const;
};

FieldGrid sampleLogDensity(const Field& field, const Box& box, int nx, int ny);

// Score arrows on an nx × ny lattice inside box, as vectors in field units ready to draw: each points
// along the score, with a length that saturates at 85% of a lattice cell (|s| / (|s| + median |s|)),
// so that arrows show direction everywhere and strength where it is moderate.
struct ScoreArrows {
    Points positions;  // n × 2
    Points vectors;    // n × 2
};
ScoreArrows scoreArrows(const Field& field, const Box& box, int nx, int ny);

}  // namespace geo
