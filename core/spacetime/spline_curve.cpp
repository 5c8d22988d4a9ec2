#include "spacetime/spline_curve.h"

#include <Eigen/SVD>
#include <algorithm>
#include <cmath>

#include "common/errors.h"

namespace geo {

SplineCurve::SplineCurve(Eigen::VectorXd from, Eigen::VectorXd to, int nodes, Continuity continuity)
    : from_(std::move(from)), to_(std::move(to)), edges_(nodes - 1) {
    if (nodes < 2) throw InputError("a spline curve needs at least 2 nodes");
    if (from_.size() != to_.size() || from_.size() < 1) throw InputError("the curve's endpoints must have one dimension");
    const int E = edges_, rows = 3 * E - 1;
    Eigen::MatrixXd A = Eigen::MatrixXd::Zero(rows, 4 * E);
    A(0, 0) = 1;                                       // P(0) = 0
    A.block(1, 4 * (E - 1), 1, 4).setOnes();           // P(1) = 0
    for (int i = 1; i < E; ++i) {
        const double u = static_cast<double>(i) / E;
        const double value[4] = {1, u, u * u, u * u * u}, slope[4] = {0, 1, 2 * u, 3 * u * u};
        const double reference[4] = {0, 0, 6 * u, 2}, c2[4] = {0, 0, 2, 6 * u};
        const double* third = continuity == Continuity::Reference ? reference : c2;
        const int r = 2 + 3 * (i - 1);
        for (int k = 0; k < 4; ++k) {
            A(r, 4 * (i - 1) + k) = value[k];
            A(r, 4 * i + k) = -value[k];
            A(r + 1, 4 * (i - 1) + k) = slope[k];
            A(r + 1, 4 * i + k) = -slope[k];
            A(r + 2, 4 * (i - 1) + k) = third[k];
            A(r + 2, 4 * i + k) = -third[k];
        }
    }
    const Eigen::JacobiSVD<Eigen::MatrixXd> svd(A, Eigen::ComputeFullV);
    basis_ = svd.matrixV().rightCols(nodes);  // the right-singular vectors past the rank 3E − 1
}

Eigen::MatrixXd SplineCurve::design(int count) const {
    Eigen::MatrixXd phi = Eigen::MatrixXd::Zero(count, 4 * edges_);
    for (int n = 0; n < count; ++n) {
        const double s = count > 1 ? static_cast<double>(n) / (count - 1) : 0.0;
        const int j = std::clamp(static_cast<int>(std::floor(s * edges_)), 0, edges_ - 1);
        for (int k = 0; k < 4; ++k) phi(n, 4 * j + k) = std::pow(s, k);
    }
    return phi;
}

Eigen::MatrixXd SplineCurve::evaluate(const Eigen::MatrixXd& weights, int count) const {
    if (count < 2) throw InputError("a curve is evaluated at 2 points or more");
    if (weights.rows() != nodes() || weights.cols() != dims()) throw InputError("spline weights must be nodes × dims");
    Eigen::MatrixXd points = design(count) * (basis_ * weights);
    for (int n = 0; n < count; ++n) {
        const double s = static_cast<double>(n) / (count - 1);
        points.row(n) += (from_ + s * (to_ - from_)).transpose();
    }
    return points;
}

Eigen::MatrixXd SplineCurve::pullBack(const Eigen::MatrixXd& pointGradient) const {
    return basis_.transpose() * (design(static_cast<int>(pointGradient.rows())).transpose() * pointGradient);
}

}  // namespace geo
