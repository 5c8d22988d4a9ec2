#pragma once
// DDIM inversion of a clean latent up to timestep τ* and deterministic (η = 0) sampling back, on the
// grid of the reference (density-geodesics.md §6.2–6.3): stride trainSteps/steps, offset 1, so that
// τ* = 581 is reached in 30 steps 1, 21, …, 581 and left in 30 steps 581, 561, …, 1 → ᾱ₀.
#include <ATen/core/Tensor.h>
#include <functional>

#include "diffusion/epsilon_model.h"
#include "schedule/discrete_schedule.h"
#include "common/solve_control.h"

namespace geo {

using StepCallback = std::function<void(int done, int total)>;

at::Tensor ddimInvert(const EpsilonModel& model, const DiscreteSchedule& schedule, const at::Tensor& z0, int tStar,
                      int steps = 50, const SolveControl& control = {}, const StepCallback& progress = {});
at::Tensor ddimSample(const EpsilonModel& model, const DiscreteSchedule& schedule, const at::Tensor& zT, int tStar,
                      int steps = 50, const SolveControl& control = {}, const StepCallback& progress = {});

}  // namespace geo
