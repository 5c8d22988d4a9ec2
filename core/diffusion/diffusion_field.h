#pragma once
// A diffusion model at a fixed timestep as a Field: score(x) = −ε(x, t)/σ_t, so the density solvers
// run on latents unchanged. Points are flattened latents (D = C·H·W), evaluated in one batch.
#include <array>
#include <memory>

#include "diffusion/epsilon_model.h"
#include "field/field.h"
#include "schedule/discrete_schedule.h"

namespace geo {

class DiffusionField final : public Field {
public:
    // shape: the latent's [C, H, W]; bounds: where latents live (default ±4 in every coordinate).
    DiffusionField(std::shared_ptr<const EpsilonModel> model, DiscreteSchedule schedule, int timestep,
                   std::array<int64_t, 3> shape);

    int dim() const override { return static_cast<int>(shape_[0] * shape_[1] * shape_[2]); }
    std::string describe() const override;
    Box bounds() const override;
    bool hasLogDensity() const override { return false; }
    void evaluate(const Points& x, Eigen::VectorXd* logp, Points* score) const override;

private:
    std::shared_ptr<const EpsilonModel> model_;
    DiscreteSchedule schedule_;
    int timestep_;
    std::array<int64_t, 3> shape_;
};

}  // namespace geo
