#pragma once
// The path of the published density-geodesic code (density-geodesics.md §4.1): control points keyed
// by t on a dyadic grid, with the endpoints at t = 0 and 1. Positions and velocities come from
// piecewise slerp between consecutive control points; accelerations from a Euclidean natural cubic
// spline through all of them (its second derivative, linear between knots, 0 at both ends).
//
// Keys are integer numerators j of t = j / 2^kKeyBits, never floats (pitfall 11 of §9).
#include <cstdint>
#include <map>
#include <vector>

#include "field/field.h"

namespace geo {

// Spherical interpolation from x0 (a = 0) to x1 (a = 1) and its derivative d/da. Falls back to the
// straight line when the angle between them is below 1e-6 (pitfall 16); antipodal points are an
// InputError, since no great circle between them is preferred.
Eigen::VectorXd slerp(const Eigen::VectorXd& x0, const Eigen::VectorXd& x1, double a);
Eigen::VectorXd slerpDerivative(const Eigen::VectorXd& x0, const Eigen::VectorXd& x1, double a);

class DyadicSlerpPath {
public:
    static constexpr int kKeyBits = 24;

    DyadicSlerpPath() = default;
    DyadicSlerpPath(const Eigen::VectorXd& a, const Eigen::VectorXd& b);

    static int64_t keyOf(double t);  // InputError unless t ∈ [0, 1] is a multiple of 2^−kKeyBits
    static double tOf(int64_t key) { return static_cast<double>(key) / static_cast<double>(int64_t{1} << kKeyBits); }

    void set(double t, const Eigen::VectorXd& x);  // adds or replaces the control point at t
    int dim() const { return points_.empty() ? 0 : static_cast<int>(points_.begin()->second.size()); }
    int size() const { return static_cast<int>(points_.size()); }
    std::vector<double> knots() const;  // ascending, 0 and 1 included
    Points controlPoints() const;        // in knot order

    Eigen::VectorXd position(double t) const;
    // The slerp derivative; at an interior knot the mean of the two one-sided derivatives.
    Eigen::VectorXd velocity(double t) const;
    // The natural cubic spline's second derivative (0 everywhere with two knots).
    Eigen::VectorXd acceleration(double t) const;

    Points positions(const std::vector<double>& ts) const;
    Points velocities(const std::vector<double>& ts) const;
    Points accelerations(const std::vector<double>& ts) const;

private:
    // The segment [k0, k1] holding t (the last one for t = 1).
    std::pair<std::map<int64_t, Eigen::VectorXd>::const_iterator, std::map<int64_t, Eigen::VectorXd>::const_iterator> segment(double t) const;
    void fitSpline() const;

    std::map<int64_t, Eigen::VectorXd> points_;
    mutable Points secondDerivatives_;  // one row per knot; refitted when stale
    mutable bool splineStale_ = true;
};

}  // namespace geo
