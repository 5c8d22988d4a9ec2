#include "diffusion/network_posterior.h"

#include <torch/torch.h>

#include <cmath>
#include <limits>

#include "common/errors.h"

namespace geo {

at::Tensor spacetimeRows(const Eigen::MatrixXd& points) {
    const Eigen::Matrix<double, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor> rows = points;
    return torch::from_blob(const_cast<double*>(rows.data()), {rows.rows(), rows.cols()}, torch::kDouble).to(torch::kFloat);
}

at::Tensor NetworkPosterior::latentsOf(const at::Tensor& rows) const {
    const auto shape = model_->latentShape();
    return rows.slice(1, 1).reshape({rows.size(0), shape[0], shape[1], shape[2]});
}

NetworkPosterior::NetworkPosterior(std::shared_ptr<const DiffusionModel> model, at::Tensor context) : model_(std::move(model)), pointsPerCall_(std::make_shared<BatchLimit>(std::numeric_limits<int64_t>::max())) {
    context_ = context.defined() || !model_->textConditioned() ? std::move(context) : model_->textEmbedding("");
    const DiscreteSchedule& s = model_->schedule();
    std::vector<double> table(static_cast<size_t>(s.trainSteps()));
    for (int t = 0; t < s.trainSteps(); ++t) table[static_cast<size_t>(t)] = s.logSnr(t);
    lambdas_ = torch::tensor(table, torch::kDouble);
    lambdaMax_ = table.front();
    lambdaMin_ = table.back();
}

double NetworkPosterior::lambdaAt(double tau) const {
    const int last = model_->schedule().trainSteps() - 1;
    const double t = std::clamp(tau, 0.0, static_cast<double>(last));
    const int lo = std::min(static_cast<int>(std::floor(t)), last - 1);
    const double w = t - lo;
    return model_->schedule().logSnr(lo) * (1 - w) + model_->schedule().logSnr(lo + 1) * w;
}

at::Tensor NetworkPosterior::timeOf(const at::Tensor& lambda) const {
    // The table decreases with τ: search the negated one, which increases.
    const at::Tensor l = lambda.to(torch::kDouble).clamp(lambdaMin_, lambdaMax_);
    const int64_t last = lambdas_.size(0) - 1;
    const at::Tensor upper = torch::searchsorted(-lambdas_, -l.detach()).clamp(1, last);  // first τ with λ_τ ≤ λ
    const at::Tensor lo = upper - 1;
    const at::Tensor l0 = lambdas_.index_select(0, lo), l1 = lambdas_.index_select(0, upper);
    return (lo.to(torch::kDouble) + (l0 - l) / (l0 - l1)).to(torch::kFloat);
}

at::Tensor NetworkPosterior::mean(const at::Tensor& x, const at::Tensor& lambda) const {
    if (lambda.dim() != 1 || lambda.size(0) != x.size(0)) throw InputError("one log-SNR per latent is needed");
    const at::Tensor l = lambda.to(torch::kFloat).view({-1, 1, 1, 1});
    const at::Tensor alpha = torch::sigmoid(l).sqrt(), sigma = torch::sigmoid(-l).sqrt();
    const at::Tensor xf = x.to(torch::kFloat);
    const at::Tensor eps = model_->epsilonAtTimes(xf, timeOf(lambda), context_).to(xf.device());
    return (xf - sigma * eps) / alpha;
}

NetworkPosterior::Moments NetworkPosterior::meanAndDivergence(const at::Tensor& x, const at::Tensor& lambda, const at::Tensor& probes,
                                                              bool createGraph) const {
    if (!probes.sizes().equals(x.sizes())) throw InputError("one probe per latent, of the latents' shape, is needed");
    torch::AutoGradMode on(true);
    // The divergence is a derivative in x: x must be in the graph even when the caller does not need its gradient.
    const at::Tensor xi = x.requires_grad() ? x : x.detach().to(torch::kFloat).requires_grad_(true);
    Moments m;
    m.mean = mean(xi, lambda);
    const at::Tensor p = probes.to(m.mean.device(), torch::kFloat);
    const at::Tensor jtp = torch::autograd::grad({(m.mean * p).sum()}, {xi}, {}, /*retain_graph=*/true, /*create_graph=*/createGraph)[0];
    m.divergence = (jtp * p).flatten(1).sum(1);
    if (!createGraph) {
        m.mean = m.mean.detach();
        m.divergence = m.divergence.detach();
    }
    return m;
}

at::Tensor NetworkPosterior::rademacher(int64_t n, uint64_t seed) const {
    const auto shape = model_->latentShape();
    auto gen = at::detail::createCPUGenerator(seed);
    return at::randint(0, 2, {n, shape[0], shape[1], shape[2]}, gen, torch::kFloat) * 2 - 1;
}

}  // namespace geo
