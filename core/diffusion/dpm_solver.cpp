#include "diffusion/dpm_solver.h"

#include <ATen/ATen.h>

#include <algorithm>
#include <cmath>

#include "common/errors.h"

namespace geo {

namespace {

// λ = log(√ᾱ / σ), half the schedule's log-SNR: the solver's time variable.
double lambdaAt(const DiscreteSchedule& schedule, int t) { return 0.5 * schedule.logSnr(t); }

}  // namespace

std::vector<int> dpmSolverTimesteps(const DiscreteSchedule& schedule, int tStar, int steps) {
    if (steps < 1) throw InputError("the sampler needs at least one step");
    if (tStar < 1) throw InputError("sampling starts above timestep 0, not at " + std::to_string(tStar));
    auto lambda = [&](int t) { return lambdaAt(schedule, t); };
    const double from = lambda(tStar), to = lambda(0);
    std::vector<int> ts;
    int t = tStar;
    for (int i = 0; i < steps; ++i) {
        const double target = from + (to - from) * i / steps;
        while (t > 1 && std::abs(lambda(t - 1) - target) <= std::abs(lambda(t) - target)) --t;
        if (ts.empty() || t < ts.back()) ts.push_back(t);
    }
    return ts;
}

namespace {

// DPM-Solver++(2M) along the timesteps `path` (the first is where x is; the network is evaluated at
// every one but the last). Going down in noise it samples; going up it inverts, with the same steps
// and the same second-order correction: h < 0 changes nothing in the update.
at::Tensor integrate(const EpsilonModel& model, const DiscreteSchedule& schedule, const at::Tensor& start, const std::vector<int>& path,
                     const SolveControl& control, const StepCallback& progress) {
    auto alpha = [&](int t) { return std::sqrt(schedule.alphaBar(t)); };
    auto sigma = [&](int t) { return std::sqrt(1 - schedule.alphaBar(t)); };
    auto lambda = [&](int t) { return lambdaAt(schedule, t); };
    const int steps = static_cast<int>(path.size()) - 1;
    at::Tensor x = start, previousX0;
    double previousH = 0;
    for (int i = 0; i < steps; ++i) {
        control.throwIfCancelled();
        const int t = path[static_cast<size_t>(i)], next = path[static_cast<size_t>(i) + 1];
        const at::Tensor x0 = (x - sigma(t) * model.epsilon(x, t)) / alpha(t);
        const double h = lambda(next) - lambda(t);
        // First order on the first step (nothing to extrapolate from); then the 2M correction
        // D = (1 + 1/2r) x0ᵢ − (1/2r) x0ᵢ₋₁ with r = hᵢ₋₁ / hᵢ.
        at::Tensor d = x0;
        if (previousX0.defined()) {
            const double r = previousH / h;
            d = (1 + 0.5 / r) * x0 - (0.5 / r) * previousX0;
        }
        x = (sigma(next) / sigma(t)) * x - alpha(next) * std::expm1(-h) * d;
        previousX0 = x0;
        previousH = h;
        if (progress) progress(i + 1, steps);
    }
    return x;
}

// τ*, the solver's timesteps, then ᾱ₀ (timestep 0, where the last step lands).
std::vector<int> pathDown(const DiscreteSchedule& schedule, int tStar, int steps) {
    std::vector<int> path = dpmSolverTimesteps(schedule, tStar, steps);
    path.push_back(0);
    return path;
}

}  // namespace

at::Tensor dpmSolverSample(const EpsilonModel& model, const DiscreteSchedule& schedule, const at::Tensor& zT, int tStar, int steps,
                           const SolveControl& control, const StepCallback& progress) {
    return integrate(model, schedule, zT, pathDown(schedule, tStar, steps), control, progress);
}

at::Tensor dpmSolverInvert(const EpsilonModel& model, const DiscreteSchedule& schedule, const at::Tensor& z0, int tStar, int steps,
                           const SolveControl& control, const StepCallback& progress) {
    std::vector<int> path = pathDown(schedule, tStar, steps);
    std::reverse(path.begin(), path.end());
    return integrate(model, schedule, z0, path, control, progress);
}

}  // namespace geo
