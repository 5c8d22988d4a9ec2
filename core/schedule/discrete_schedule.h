#pragma once
// The discrete variance-preserving schedule of Stable Diffusion: 1 000 steps with scaled-linear
// betas, β = linspace(√0.00085, √0.012, 1000)², ᾱ_t = Π (1 − β), and the DDIM timestep grid with
// "leading" spacing and offset 1 (50 steps: 981, 961, …, 1).
#include <vector>

namespace geo {

class DiscreteSchedule {
public:
    explicit DiscreteSchedule(int trainSteps = 1000, double betaStart = 0.00085, double betaEnd = 0.012);

    int trainSteps() const { return static_cast<int>(alphaBar_.size()); }
    double alphaBar(int t) const;  // InputError outside [0, trainSteps)
    double sigma(int t) const;     // √(1 − ᾱ_t)
    double logSnr(int t) const;    // log(ᾱ_t / (1 − ᾱ_t))

    // Timesteps of a DDIM run of `steps` steps, largest first.
    std::vector<int> ddimTimesteps(int steps = 50, int offset = 1) const;
    // The level a path lives at: k = max(⌊steps · level⌋, 1), the k-th timestep from the small-noise end.
    int timestepForNoiseLevel(double level, int steps = 50) const;

private:
    std::vector<double> alphaBar_;
};

}  // namespace geo
