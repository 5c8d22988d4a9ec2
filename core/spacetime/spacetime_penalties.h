#pragma once
// Terms added to the spacetime energy to shape the curve (spacetime-geodesics.md §11), each with its
// gradient with respect to the points (through t directly) and to η and μ (the solver chains those
// through the Jacobians of η and μ). Hinges are softplus_β(u) = log(1 + e^{βu})/β with β = 10.
#include <memory>

#include "spacetime/log_snr_schedule.h"
#include "spacetime/spacetime_energy.h"

namespace geo {

struct PenaltyGradient {
    Eigen::MatrixXd points, eta, mu;  // N × (D + 1) each, accumulated into
};

class SpacetimePenalty {
public:
    virtual ~SpacetimePenalty() = default;
    // points: N × (D + 1) rows [x, t]; adds weight × ∂/∂· to g when g is not null.
    virtual double evaluate(const Eigen::MatrixXd& points, const ExponentialCoordinates& c, PenaltyGradient* g) const = 0;
    double weight = 1;
};

double softplus(double u, double beta = 10);

// weight · mean_n softplus(λ_min − λ(t_n)): keeps the posterior tight by keeping the noise low.
class LowNoisePenalty final : public SpacetimePenalty {
public:
    LowNoisePenalty(const LogSnrSchedule& schedule, double minLambda) : schedule_(schedule), minLambda_(minLambda) {}
    double evaluate(const Eigen::MatrixXd& points, const ExponentialCoordinates& c, PenaltyGradient* g) const override;

private:
    const LogSnrSchedule& schedule_;
    double minLambda_;
};

// weight · mean_{n≥1} softplus(−drop − ΔKL_n), ΔKL_n = Σ_{m=1..n} (η_m − η_{m−1})·(μ_m − μ*): forbids
// KL(z* ‖ γ_s) from falling more than `drop` below its value at γ_0, i.e. the curve from coming close
// to the posterior at z* (§6).
class AvoidPosteriorPenalty final : public SpacetimePenalty {
public:
    AvoidPosteriorPenalty(Eigen::RowVectorXd forbiddenMu, double drop) : muStar_(std::move(forbiddenMu)), drop_(drop) {}
    double evaluate(const Eigen::MatrixXd& points, const ExponentialCoordinates& c, PenaltyGradient* g) const override;
    // ΔKL_n for n = 0..N−1 (0 at the start).
    Eigen::VectorXd klChange(const ExponentialCoordinates& c) const;

private:
    Eigen::RowVectorXd muStar_;
    double drop_;
};

}  // namespace geo
