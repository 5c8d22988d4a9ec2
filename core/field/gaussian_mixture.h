#pragma once
// A Gaussian mixture in any dimension, float64. Its density is normalised and its score exact, so
// it is the yardstick field: exact at every noise level and cheap to evaluate.
#include <vector>

#include "field/field.h"

namespace geo {

class GaussianMixture final : public Field {
public:
    // Weights are normalised here. Throws InputError naming the component at fault when a weight is
    // negative or not finite, shapes disagree, or a covariance is not symmetric positive definite.
    GaussianMixture(std::vector<double> weights, std::vector<Eigen::VectorXd> means,
                    std::vector<Eigen::MatrixXd> covariances);

    int dim() const override { return dim_; }
    std::string describe() const override;
    Box bounds() const override;
    bool hasLogDensity() const override { return true; }
    void evaluate(const Points& x, Eigen::VectorXd* logp, Points* score) const override;

    int components() const { return static_cast<int>(weights_.size()); }
    const std::vector<double>& weights() const { return weights_; }
    const std::vector<Eigen::VectorXd>& means() const { return means_; }
    const std::vector<Eigen::MatrixXd>& covariances() const { return covariances_; }

private:
    void evaluate2d(const Points& x, Eigen::VectorXd* logp, Points* score) const;

    int dim_ = 0;
    std::vector<double> weights_;
    std::vector<Eigen::VectorXd> means_;
    std::vector<Eigen::MatrixXd> covariances_;
    // Per component: log(w_k) − ½ log det(2π Σ_k), and the precision Σ_k⁻¹ stored row-major.
    std::vector<double> logNorm_;
    std::vector<double> precisions_;
};

}  // namespace geo
