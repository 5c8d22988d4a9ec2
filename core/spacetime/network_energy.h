#pragma once
// The spacetime (Fisher–Rao) energy of a curve through a network's denoising posterior
// (spacetime-geodesics.md §5, §8, §10.2, §15): points z_n = (λ_n, x_n), n = 0 … N − 1, with
//     η(z) = ((α/σ²) x, −½ e^λ),   μ(z) = (x̂₀, (σ²/α) div x̂₀ + ‖x̂₀‖²)   (NetworkPosterior),
//     E = (N − 1)/2 · Σ_n Δη_nᵀ Δμ_n   (the canonical estimator of §15 items 1–2),
//     ℓ = Σ_n √max(0, Δη_nᵀ Δμ_n),
// the divergence by Hutchinson with one Rademacher probe shared by every point of an evaluation
// (common random numbers, §15 item 3). The gradient with respect to every point comes from reverse mode
// through the network and its divergence (double backward), chunk by chunk: chunks of `chunk` points
// overlap by one point and each chunk's backward runs before the next chunk's forward, so memory is
// bounded by one chunk; a chunk the device has no memory for is halved (NetworkPosterior::pointsPerCall).
#include <Eigen/Dense>
#include <cstdint>

#include "common/solve_control.h"

namespace geo {

class NetworkPosterior;

struct NetworkEnergyOptions {
    int chunk = 16;      // points per network call (the reference's 16)
    uint64_t seed = 0;   // of the shared probe
    // What is summed per segment: the canonical Δηᵀ Δμ; its total clamped at 0 (§15 item 2); or the
    // reference code's clamp of every coordinate's product (§5.5, biased upward). With a network's μ an
    // optimiser exploits the first two: on the shipped model the unclamped energy fell to −4 900 and
    // the total-clamped one to 6 (length 1.2) from 1 150 within 200 steps, by moving where the network's
    // second moment errs. The image solve therefore minimises the reference's form and reports the
    // canonical one (networkSpacetimeEnergy with Canonical) beside it.
    enum class Clamp { Canonical, Total, PerCoordinate } clamp = Clamp::Canonical;
};

struct NetworkEnergy {
    double energy = 0, length = 0;
    int negativeSegments = 0;   // Δηᵀ Δμ < 0: estimator noise (a health metric)
    Eigen::MatrixXd gradient;   // N × (1 + D), d energy / d point, when asked
    long long forward = 0, backward = 0;  // network evaluations (points through the net) and backward passes through it
};

// points: N ≥ 2 rows [λ, x flattened in the model's latent shape].
NetworkEnergy networkSpacetimeEnergy(const NetworkPosterior& posterior, const Eigen::MatrixXd& points, bool withGradient,
                                     const NetworkEnergyOptions& options = {}, const SolveControl& control = {});

}  // namespace geo
