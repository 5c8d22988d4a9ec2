#include "pipeline/model_path_score.h"

#include <ATen/ATen.h>
#include <cmath>

#include "common/errors.h"

namespace geo {

at::Tensor PathConditioning::at(double t) const { return (1 - t) * a + t * b; }

at::Tensor pointsToLatents(const Points& x, const std::array<int64_t, 3>& shape) {
    if (x.cols() != shape[0] * shape[1] * shape[2]) throw InputError("points of dimension " + std::to_string(x.cols()) + " are not latents of this model");
    at::Tensor out = at::empty({x.rows(), shape[0], shape[1], shape[2]}, at::kFloat);
    float* p = out.data_ptr<float>();
    for (Eigen::Index i = 0; i < x.size(); ++i) p[i] = static_cast<float>(x.data()[i]);
    return out;
}

Points latentsToPoints(const at::Tensor& latents) {
    const at::Tensor c = latents.to(at::kCPU, at::kDouble).contiguous();
    const int64_t n = c.size(0), d = c.numel() / std::max<int64_t>(n, 1);
    Points x(n, d);
    std::copy(c.data_ptr<double>(), c.data_ptr<double>() + c.numel(), x.data());
    return x;
}

ModelPathScore::ModelPathScore(std::shared_ptr<const DiffusionModel> model, ScoreOptions options, PathConditioning conditioning)
    : model_(std::move(model)), o_(options), c_(std::move(conditioning)) {
    const DiscreteSchedule& s = model_->schedule();
    if (o_.timestep < 1 || o_.timestep >= s.trainSteps()) throw InputError("the path's timestep must lie in 1 … " + std::to_string(s.trainSteps() - 1));
    if (o_.jitterRange < 0 || o_.jitterRange > o_.timestep || o_.timestep + o_.jitterRange > s.trainSteps())
        throw InputError("a timestep jitter of " + std::to_string(o_.jitterRange) + " around " + std::to_string(o_.timestep) + " leaves the schedule");
    if (o_.batch < 1) throw InputError("the score's batch must be 1 or more");
    if (model_->textConditioned() != c_.defined())
        throw InputError(model_->textConditioned() ? "a text-conditioned model needs the prompts' embeddings" : "this model takes no text prompt");
}

int ModelPathScore::dim() const {
    const auto s = model_->latentShape();
    return static_cast<int>(s[0] * s[1] * s[2]);
}

int ModelPathScore::evaluationsPerPointOf(const DiffusionModel& model) { return model.textConditioned() ? 2 : 1; }

int ModelPathScore::evaluationsPerPoint(int64_t) const { return evaluationsPerPointOf(*model_); }

Points ModelPathScore::score(const Points& x, const std::vector<double>& t, int64_t draw, const SolveControl& control) const {
    return evaluate(x, t, draw, control, nullptr);
}

Points ModelPathScore::scoreAndDenoised(const Points& x, const std::vector<double>& t, int64_t draw, const SolveControl& control, Points& denoised) const {
    return evaluate(x, t, draw, control, &denoised);
}

Points ModelPathScore::evaluate(const Points& x, const std::vector<double>& t, int64_t draw, const SolveControl& control, Points* denoised) const {
    if (static_cast<Eigen::Index>(t.size()) != x.rows()) throw std::logic_error("ModelPathScore: one t per point");
    const DiscreteSchedule& s = model_->schedule();
    at::Tensor z = pointsToLatents(x, model_->latentShape());
    int tau = o_.timestep;
    if (o_.jitterRange > 0 && draw != kDeterministic) {
        // One τ' and one noise per point for the whole draw: every point of an iteration shares them.
        auto gen = at::detail::createCPUGenerator(o_.seed * 1000003ULL + static_cast<uint64_t>(draw));
        tau = o_.timestep - o_.jitterRange + static_cast<int>(at::randint(2 * o_.jitterRange, {1}, gen).item<int64_t>());
        const at::Tensor eps0 = at::randn(z.sizes(), gen);
        const double abStar = s.alphaBar(o_.timestep), ab = s.alphaBar(tau);
        const at::Tensor x0 = (z - std::sqrt(1 - abStar) * eps0) / std::sqrt(abStar);
        z = std::sqrt(ab) * x0 + std::sqrt(1 - ab) * eps0;
    }
    std::vector<at::Tensor> parts, clean;
    const auto denoise = [&](const at::Tensor& zi, const at::Tensor& eps) {
        if (denoised) clean.push_back((zi - s.sigma(tau) * eps.to(zi.device(), at::kFloat)) / std::sqrt(s.alphaBar(tau)));
    };
    for (int64_t i = 0; i < z.size(0); i += o_.batch) {
        control.throwIfCancelled();
        const int64_t end = std::min<int64_t>(z.size(0), i + o_.batch);
        const at::Tensor zi = z.slice(0, i, end);
        if (!c_.defined()) {
            const at::Tensor eps = model_->epsilon(zi, tau);
            parts.push_back(-eps / s.sigma(o_.timestep));
            denoise(zi, eps);
            continue;
        }
        std::vector<at::Tensor> ctx;
        for (int64_t j = i; j < end; ++j) ctx.push_back(c_.at(t[static_cast<size_t>(j)]));
        // Conditional and negative rows in one call.
        const at::Tensor both = model_->epsilonWith(at::cat({zi, zi}), tau, at::cat({at::cat(ctx), c_.negative.expand({end - i, -1, -1})}));
        parts.push_back(0.5 * (both.slice(0, end - i) - both.slice(0, 0, end - i)));
        denoise(zi, both.slice(0, 0, end - i));
    }
    control.throwIfCancelled();
    if (denoised) *denoised = latentsToPoints(at::cat(clean));
    return latentsToPoints(at::cat(parts));
}

}  // namespace geo
