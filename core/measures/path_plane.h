#pragma once
// A 2-D map of paths in a high-dimensional latent space: the plane spanned by the chord from the
// first keyframe to the last (u) and by the direction in which a path departs most from its baseline
// (v, orthogonal to u). The baseline (the slerp) projects onto a curve near the u axis; how far the
// geodesic rises along v is how far it bends away from it.
#include "field/field.h"

namespace geo {

struct PathPlane {
    Eigen::VectorXd origin, u, v;  // v is zero when the path never leaves the baseline
};

// path and baseline: the same number of rows (matched frames), at least two.
PathPlane planeOfDeparture(const Points& path, const Points& baseline);
// Rows of x → (along u, along v) from the origin.
Eigen::MatrixX2d projectOnPlane(const PathPlane& plane, const Points& x);

}  // namespace geo
