#pragma once
// What every image path reports (density-geodesics.md §2.6–2.7), from points sampled along it and
// the score there (∇log p ≈ α s, tangential to the sphere |x| = R when the sphere constraint is on):
// the relative log-density log p̃ (trapezoid line integral, 0 at the first point) and the length
// ∫ |γ'| exp(−log p̃) as its logarithm, since log p̃ spans hundreds of nats in a latent space.
#include "field/field.h"

namespace geo {

struct LatentPathMeasures {
    Eigen::VectorXd logDensity;
    double logLength = 0;
};

LatentPathMeasures measureLatentPath(const Points& x, const Points& scores, double alpha, bool sphere);

// Removes from every row of m its component along the same row of u.
void projectRowsOff(Points& m, const Points& u);

}  // namespace geo
