#pragma once
// The Fisher–Rao geometry of denoising posteriors along a discrete spacetime curve z_n = (x_n, t_n):
// natural parameters η(z) = ((α/σ²) x, −½ e^λ) and expectation parameters μ(z) = (E[x₀|x],
// E[‖x₀‖²|x]). Each segment's Δη·Δμ is the symmetrised KL between neighbouring posteriors (≥ 0 when μ
// is exact). Conventions (spacetime-geodesics.md §5): the reference code's toy energy Σ Δη·Δμ, the
// paper's energy E = (N − 1)/2 · Σ, and the length Σ √max(0, Δη·Δμ).
#include "spacetime/denoiser.h"
#include "spacetime/log_snr_schedule.h"

namespace geo {

struct SpacetimePath {
    Points x;           // N × D
    Eigen::VectorXd t;  // N
};

struct ExponentialCoordinates {
    Points eta, mu;  // N × (D + 1); the last column is the time component
};

ExponentialCoordinates exponentialCoordinates(const Denoiser& denoiser, const LogSnrSchedule& schedule, const SpacetimePath& path);

struct SpacetimeEnergy {
    Eigen::VectorXd segments;  // Δη·Δμ per segment, N − 1 of them
    double codeEnergy = 0;     // Σ Δη·Δμ
    double energy = 0;         // (N − 1)/2 · Σ
    double length = 0;         // Σ √max(0, Δη·Δμ)
    int negativeSegments = 0;  // 0 with an exact denoiser; a health count with an estimated one
};

SpacetimeEnergy spacetimeEnergy(const ExponentialCoordinates& c);
SpacetimeEnergy spacetimeEnergy(const Denoiser& denoiser, const LogSnrSchedule& schedule, const SpacetimePath& path);

}  // namespace geo
