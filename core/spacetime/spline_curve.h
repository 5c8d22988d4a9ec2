#pragma once
// The spacetime reference's curve (spacetime-geodesics.md §9): γ(s) = b + s (e − b) + P(s), s ∈ [0, 1],
// P piecewise cubic on nodes − 1 equal edges with coefficients c = B W in the global s, B an
// orthonormal basis of the null space of the constraints (P(0) = P(1) = 0; value and slope continuous
// at interior knots; and a third row per knot). W (nodes × dims) is the only free parameter; W = 0
// is the straight line.
//
// The third row: Reference mode keeps the reference's [0, 0, 6u, 2] (not C², but it is what reproduces
// the published numbers); C2 mode uses true second-derivative continuity [0, 0, 2, 6u].
#include <Eigen/Dense>

namespace geo {

class SplineCurve {
public:
    enum class Continuity { Reference, C2 };
    SplineCurve(Eigen::VectorXd from, Eigen::VectorXd to, int nodes, Continuity continuity = Continuity::Reference);

    int nodes() const { return static_cast<int>(basis_.cols()); }
    int dims() const { return static_cast<int>(from_.size()); }
    // Points at s_n = n/(count − 1), rows; W: nodes × dims.
    Eigen::MatrixXd evaluate(const Eigen::MatrixXd& weights, int count) const;
    // dF/dW for a function F of the evaluated points, given dF/dpoints (count × dims).
    Eigen::MatrixXd pullBack(const Eigen::MatrixXd& pointGradient) const;

private:
    Eigen::MatrixXd design(int count) const;  // count × 4E: s^k on the point's edge

    Eigen::VectorXd from_, to_;
    int edges_;
    Eigen::MatrixXd basis_;  // 4E × nodes
};

}  // namespace geo
