#pragma once
// The Müller–Brown potential U(x, y) seen as the Boltzmann density p ∝ exp(−U/T) in 2-D.
// The normaliser is computed once by Simpson quadrature over a box that holds all the mass.
#include "field/field.h"

namespace geo {

class MullerBrown final : public Field {
public:
    explicit MullerBrown(double temperature = 20.0);  // throws InputError unless temperature > 0

    int dim() const override { return 2; }
    std::string describe() const override;
    Box bounds() const override;
    bool hasLogDensity() const override { return true; }
    void evaluate(const Points& x, Eigen::VectorXd* logp, Points* score) const override;

    double temperature() const { return temperature_; }
    static double potential(double x, double y);
    static void potentialGradient(double x, double y, double& gx, double& gy);

private:
    double temperature_;
    double logZ_ = 0;
};

}  // namespace geo
