#pragma once
// Quantities read off any path in any mode: its length in the metric |v|/p(x), the density along it
// (exact, or by the line integral of the score where only scores exist) and the Euler–Lagrange
// residual that vanishes on a geodesic.
#include "field/field.h"

namespace geo {

// log p along the path by the trapezoid rule on ∫ γ'ᵀ ∇log p, starting from logpStart.
Eigen::VectorXd lineIntegralLogDensity(const Points& path, const Points& scores, double logpStart = 0);

// Σ |x_{i+1} − x_i| · exp(−½(log p_i + log p_{i+1})): the length when only sampled log p is known.
double lengthFromLogDensity(const Points& path, const Eigen::VectorXd& logp);

// log of the same sum, by log-sum-exp: in latent spaces log p differs by hundreds of nats along a path.
double logLengthFromLogDensity(const Points& path, const Eigen::VectorXd& logp);

// ∫ |γ'| / p(γ) over the polyline with 4-point Gauss–Legendre on every segment; needs exact log p.
double densityLength(const Field& field, const Points& path);

// Per interior point i: r = P⊥_V (s + A/|V|²) with central differences V, A; the reported ratio
// |r| / (|P⊥s| + |P⊥A|/|V|²) lies in [0, 1] and does not depend on the parametrisation's scale
// (the denominator has a floor of 1e-9 (|s| + 4|x|/|x₊ − x₋|²), above rounding noise on straight lines).
struct ElResidual {
    Eigen::VectorXd ratio;  // one value per interior point
    double mean = 0;
    double max = 0;
};
ElResidual elResidual(const Points& path, const Points& scores);

struct PathReport {
    double length = 0;                      // densityLength when exact, else relative to p(start)
    bool lengthIsRelative = false;          // true: the value is p(start) · length
    Eigen::VectorXd logDensity;             // exact log p; empty when the field has none
    Eigen::VectorXd logDensityLineIntegral; // from the score, anchored at exact log p(start) or 0
    ElResidual residual;
};
PathReport analysePath(const Field& field, const Points& path);

}  // namespace geo
