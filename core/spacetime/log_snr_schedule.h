#pragma once
// A variance-preserving noise schedule given by its log-SNR λ(t): α² = sigmoid(λ), σ² = sigmoid(−λ).
// The toy convention of the spacetime reference is λ(t) = 10 − 20 t on t ∈ [0, 1].
#include <cmath>

namespace geo {

class LogSnrSchedule {
public:
    virtual ~LogSnrSchedule() = default;
    virtual double lambda(double t) const = 0;
    virtual double lambdaRate(double t) const = 0;  // dλ/dt
    double alpha(double t) const { return std::sqrt(sigmoid(lambda(t))); }
    double sigma(double t) const { return std::sqrt(sigmoid(-lambda(t))); }
    static double sigmoid(double v) { return v >= 0 ? 1 / (1 + std::exp(-v)) : std::exp(v) / (1 + std::exp(v)); }
};

class LinearLogSnr final : public LogSnrSchedule {
public:
    explicit LinearLogSnr(double atZero = 10, double slope = -20) : atZero_(atZero), slope_(slope) {}
    double lambda(double t) const override { return atZero_ + slope_ * t; }
    double lambdaRate(double) const override { return slope_; }
    double timeOf(double lambda) const { return (lambda - atZero_) / slope_; }  // the inverse of lambda(t)

private:
    double atZero_, slope_;
};

}  // namespace geo
