#pragma once
// The Fréchet distance between Gaussians fitted to two feature sets (the quantity behind FID):
// |μ₁ − μ₂|² + tr(Σ₁ + Σ₂ − 2 (Σ₁^½ Σ₂ Σ₁^½)^½). Rows are samples, columns features.
#include <Eigen/Dense>

namespace geo {

using FeatureMatrix = Eigen::Matrix<double, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;

double frechetDistance(const FeatureMatrix& a, const FeatureMatrix& b);  // InputError: fewer than 2 rows, or columns differ

}  // namespace geo
