#pragma once
// A path is a polyline: N points of dimension D, one per row, the first and last being the endpoints.
#include "field/field.h"

namespace geo {

Points straightLine(const Eigen::VectorXd& a, const Eigen::VectorXd& b, int n);
Eigen::VectorXd cumulativeArcLength(const Points& path);  // Euclidean; [0] = 0
double euclideanLength(const Points& path);
Eigen::VectorXd normalisedArcLength(const Points& path);  // cumulativeArcLength / its total, in [0, 1]
// n points equally spaced in Euclidean arc length along the polyline; keeps both endpoints.
Points resampleByArcLength(const Points& path, int n);
// Unit tangent at the first point, from a second-order one-sided difference.
Eigen::VectorXd initialDirection(const Points& path);

}  // namespace geo
