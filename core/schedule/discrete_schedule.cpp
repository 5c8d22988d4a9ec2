#include "schedule/discrete_schedule.h"

#include <cmath>
#include <string>

#include "common/errors.h"

namespace geo {

DiscreteSchedule::DiscreteSchedule(int trainSteps, double betaStart, double betaEnd) {
    if (trainSteps < 2) throw InputError("a schedule needs at least 2 steps, got " + std::to_string(trainSteps));
    if (!(betaStart > 0 && betaEnd < 1 && betaStart <= betaEnd))
        throw InputError("betas must satisfy 0 < start <= end < 1");
    alphaBar_.resize(trainSteps);
    const double a = std::sqrt(betaStart), b = std::sqrt(betaEnd);
    double product = 1;
    for (int t = 0; t < trainSteps; ++t) {
        const double root = a + (b - a) * t / (trainSteps - 1);
        product *= 1 - root * root;
        alphaBar_[t] = product;
    }
}

double DiscreteSchedule::alphaBar(int t) const {
    if (t < 0 || t >= trainSteps())
        throw InputError("timestep " + std::to_string(t) + " is outside 0.." + std::to_string(trainSteps() - 1));
    return alphaBar_[t];
}

double DiscreteSchedule::sigma(int t) const { return std::sqrt(1 - alphaBar(t)); }

double DiscreteSchedule::logSnr(int t) const {
    const double ab = alphaBar(t);
    return std::log(ab / (1 - ab));
}

std::vector<int> DiscreteSchedule::ddimTimesteps(int steps, int offset) const {
    if (steps < 1 || steps > trainSteps())
        throw InputError("DDIM steps must be in 1.." + std::to_string(trainSteps()) + ", got " + std::to_string(steps));
    const int ratio = trainSteps() / steps;
    std::vector<int> t(steps);
    for (int i = 0; i < steps; ++i) t[i] = (steps - 1 - i) * ratio + offset;
    return t;
}

int DiscreteSchedule::timestepForNoiseLevel(double level, int steps) const {
    if (!(level > 0 && level <= 1)) throw InputError("noise level must be in (0, 1], got " + std::to_string(level));
    const std::vector<int> t = ddimTimesteps(steps);
    const int k = std::max(static_cast<int>(std::floor(steps * level)), 1);
    return t[steps - k];
}

}  // namespace geo
