#pragma once
// The probability-flow ODE of a VP schedule given by λ(t), integrated by Euler from tStart down to
// tEnd: dx/dt = f x − ½ g² ∇log p_t(x), with f = ½ λ' σ², g² = −λ' σ² and the score from the
// denoiser by Tweedie, ∇log p_t(x) = (α E[x₀|x] − x)/σ². For λ = 10 − 20t: f = −10σ², g² = 20σ².
#include "spacetime/denoiser.h"
#include "spacetime/log_snr_schedule.h"
#include "spacetime/spacetime_energy.h"

namespace geo {

// All steps + 1 states, the start first.
SpacetimePath integrateProbabilityFlow(const Denoiser& denoiser, const LogSnrSchedule& schedule, const Eigen::VectorXd& xStart,
                                       double tStart = 1.0, double tEnd = 0.1, int steps = 512);

}  // namespace geo
