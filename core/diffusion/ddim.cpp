#include "diffusion/ddim.h"

#include <ATen/ATen.h>
#include <cmath>

#include "common/errors.h"

namespace geo {

namespace {

// The grid timesteps from 1 up to and including tStar, ascending.
std::vector<int> stepsUpTo(const DiscreteSchedule& schedule, int tStar, int steps) {
    std::vector<int> up;
    for (int t : schedule.ddimTimesteps(steps))
        if (t <= tStar) up.insert(up.begin(), t);
    if (up.empty() || up.back() != tStar)
        throw InputError("timestep " + std::to_string(tStar) + " is not on the " + std::to_string(steps) + "-step DDIM grid");
    return up;
}

// Moves x from the level of ᾱ_from to that of ᾱ_to along the predicted noise ε.
at::Tensor ddimStep(const at::Tensor& x, const at::Tensor& eps, double abFrom, double abTo) {
    const at::Tensor x0 = (x - std::sqrt(1 - abFrom) * eps) / std::sqrt(abFrom);
    return std::sqrt(abTo) * x0 + std::sqrt(1 - abTo) * eps;
}

}  // namespace

at::Tensor ddimInvert(const EpsilonModel& model, const DiscreteSchedule& schedule, const at::Tensor& z0, int tStar,
                      int steps, const SolveControl& control, const StepCallback& progress) {
    const std::vector<int> up = stepsUpTo(schedule, tStar, steps);
    const int stride = schedule.trainSteps() / steps;
    at::Tensor z = z0;
    for (size_t i = 0; i < up.size(); ++i) {
        control.throwIfCancelled();
        const int t = up[i], prev = std::max(t - stride, 0);
        // The reference queries the network at the target t with the latent still at prev.
        z = ddimStep(z, model.epsilon(z, t), schedule.alphaBar(prev), schedule.alphaBar(t));
        if (progress) progress(static_cast<int>(i) + 1, static_cast<int>(up.size()));
    }
    return z;
}

at::Tensor ddimSample(const EpsilonModel& model, const DiscreteSchedule& schedule, const at::Tensor& zT, int tStar,
                      int steps, const SolveControl& control, const StepCallback& progress) {
    std::vector<int> down = stepsUpTo(schedule, tStar, steps);
    std::reverse(down.begin(), down.end());
    const int stride = schedule.trainSteps() / steps;
    at::Tensor z = zT;
    for (size_t i = 0; i < down.size(); ++i) {
        control.throwIfCancelled();
        const int t = down[i];
        // Below the first grid step the target is ᾱ₀ (set_alpha_to_one = false in SD's configs).
        const double abTo = schedule.alphaBar(std::max(t - stride, 0));
        z = ddimStep(z, model.epsilon(z, t), schedule.alphaBar(t), abTo);
        if (progress) progress(static_cast<int>(i) + 1, static_cast<int>(down.size()));
    }
    return z;
}

}  // namespace geo
