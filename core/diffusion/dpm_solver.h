#pragma once
// Deterministic sampling from timestep τ* to the clean level ᾱ₀ with DPM-Solver++(2M) (Lu et al.
// 2022, the multistep second-order solver of the probability-flow ODE in its data-prediction form):
// the same ODE the η = 0 DDIM sampler integrates to first order, to second order at the same cost of
// one network evaluation per step, so a few steps decode what DDIM needs many for.
#include <ATen/core/Tensor.h>

#include <vector>

#include "diffusion/ddim.h"

namespace geo {

// The `steps` timesteps the solver evaluates at: τ*, then evenly spaced in log-SNR λ = log(√ᾱ/σ) down
// towards ᾱ₀ (each the schedule's integer step nearest its λ, never repeated); the last step lands on
// ᾱ₀. Even in λ rather than in t: the flow bends most near the data, where t-spacing takes one big step.
std::vector<int> dpmSolverTimesteps(const DiscreteSchedule& schedule, int tStar, int steps);

at::Tensor dpmSolverSample(const EpsilonModel& model, const DiscreteSchedule& schedule, const at::Tensor& zT, int tStar, int steps,
                           const SolveControl& control = {}, const StepCallback& progress = {});

// The inverse: a clean latent z0 (at ᾱ₀) up to τ* along the same timesteps in reverse, `steps`
// evaluations, each at the point reached so far (DDIM inversion when taken to first order).
at::Tensor dpmSolverInvert(const EpsilonModel& model, const DiscreteSchedule& schedule, const at::Tensor& z0, int tStar, int steps,
                           const SolveControl& control = {}, const StepCallback& progress = {});

}  // namespace geo
