#include "measures/path_plane.h"

#include "common/errors.h"

namespace geo {

PathPlane planeOfDeparture(const Points& path, const Points& baseline) {
    if (path.rows() < 2 || path.rows() != baseline.rows() || path.cols() != baseline.cols())
        throw InputError("a path map needs a path and a baseline of the same frames, two or more");
    PathPlane p;
    p.origin = baseline.row(0).transpose();
    const Eigen::VectorXd chord = baseline.row(baseline.rows() - 1).transpose() - p.origin;
    const double length = chord.norm();
    p.u = length > 0 ? Eigen::VectorXd(chord / length) : Eigen::VectorXd::Zero(chord.size());
    p.v = Eigen::VectorXd::Zero(chord.size());
    double largest = 0;
    for (Eigen::Index i = 0; i < path.rows(); ++i) {
        Eigen::VectorXd d = (path.row(i) - baseline.row(i)).transpose();
        d -= d.dot(p.u) * p.u;
        const double n = d.norm();
        if (n > largest) largest = n, p.v = d / n;
    }
    // Below float32 round-off of the latents' scale the "departure" is noise, not a direction.
    if (largest <= 1e-6 * std::max(1.0, p.origin.norm())) p.v.setZero();
    return p;
}

Eigen::MatrixX2d projectOnPlane(const PathPlane& plane, const Points& x) {
    if (x.cols() != plane.origin.size()) throw InputError("points of dimension " + std::to_string(x.cols()) + " on a plane in dimension " +
                                                          std::to_string(plane.origin.size()));
    const Points d = x.rowwise() - plane.origin.transpose();
    Eigen::MatrixX2d out(x.rows(), 2);
    out.col(0) = d * plane.u;
    out.col(1) = d * plane.v;
    return out;
}

}  // namespace geo
