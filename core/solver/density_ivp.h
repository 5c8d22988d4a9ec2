#pragma once
// The density initial-value problem: shoot a geodesic from x0 in direction v0 by integrating
//     γ'' = −|γ'|² (I − γ̂'γ̂'ᵀ) ∇log p(γ)
// with classic RK4 at unit Euclidean speed (the velocity is renormalised after every step), so the
// returned path has Euclidean arc length `length`, sampled at steps + 1 points.
#include "field/field.h"
#include "common/solve_control.h"

namespace geo {

// Throws InputError for a zero or non-finite velocity, a length ≤ 0 or fewer than one step.
Points shootDensityGeodesic(const Field& field, const Eigen::VectorXd& x0, const Eigen::VectorXd& v0,
                            double length, int steps, const SolveControl& control = {});

}  // namespace geo
