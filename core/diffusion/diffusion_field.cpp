#include "diffusion/diffusion_field.h"

#include <ATen/ATen.h>
#include <cmath>
#include <stdexcept>

#include "common/errors.h"

namespace geo {

DiffusionField::DiffusionField(std::shared_ptr<const EpsilonModel> model, DiscreteSchedule schedule, int timestep,
                               std::array<int64_t, 3> shape)
    : model_(std::move(model)), schedule_(std::move(schedule)), timestep_(timestep), shape_(shape) {
    schedule_.alphaBar(timestep);  // validates the timestep
    if (shape[0] < 1 || shape[1] < 1 || shape[2] < 1) throw InputError("a latent shape needs positive sizes");
}

std::string DiffusionField::describe() const {
    return "diffusion model at timestep " + std::to_string(timestep_) + ", latent " + std::to_string(shape_[0]) + "x" +
           std::to_string(shape_[1]) + "x" + std::to_string(shape_[2]);
}

Box DiffusionField::bounds() const {
    return {Eigen::VectorXd::Constant(dim(), -4.0), Eigen::VectorXd::Constant(dim(), 4.0)};
}

void DiffusionField::evaluate(const Points& x, Eigen::VectorXd* logp, Points* score) const {
    if (logp) throw std::logic_error("a diffusion model gives scores only, not log-densities");
    if (x.cols() != dim())
        throw InputError("points have " + std::to_string(x.cols()) + " coordinates, the latent has " + std::to_string(dim()));
    if (!score) return;
    const int64_t n = x.rows();
    const at::Tensor batch = at::from_blob(const_cast<double*>(x.data()), {n, shape_[0], shape_[1], shape_[2]}, at::kDouble)
                                 .to(model_->device(), at::kFloat);
    const at::Tensor eps = model_->epsilon(batch, timestep_).to(at::kCPU, at::kDouble).contiguous();
    if (!eps.isfinite().all().item<bool>())
        throw InputError("the model returned a non-finite noise prediction at timestep " + std::to_string(timestep_));
    score->resize(n, dim());
    const double sigma = schedule_.sigma(timestep_);
    const double* e = eps.data_ptr<double>();
    for (Eigen::Index i = 0; i < score->size(); ++i) score->data()[i] = -e[i] / sigma;
}

}  // namespace geo
