#include "spacetime/network_energy.h"

#include <torch/torch.h>

#include <cmath>

#include "common/errors.h"
#include "diffusion/network_posterior.h"

namespace geo {

namespace {

// η and μ of a chunk of points z = [λ, x] ([n, 1 + D], requiring gradients when asked), as [n, 1 + D]
// each with the λ column first.
std::pair<at::Tensor, at::Tensor> etaMu(const NetworkPosterior& q, const at::Tensor& z, const at::Tensor& probe, bool graph) {
    const int64_t n = z.size(0);
    const at::Tensor lambda = z.select(1, 0);
    const at::Tensor x = q.latentsOf(z);
    const NetworkPosterior::Moments m = q.meanAndDivergence(x, lambda, probe.expand({n, -1, -1, -1}), graph);
    const at::Tensor a2 = torch::sigmoid(lambda), s2 = torch::sigmoid(-lambda), a = a2.sqrt();
    const at::Tensor mean = m.mean.flatten(1);
    const at::Tensor muT = (s2 / a) * m.divergence + mean.pow(2).sum(1);
    const at::Tensor etaX = (a / s2).unsqueeze(1) * z.slice(1, 1);
    const at::Tensor etaT = -0.5 * torch::exp(lambda);
    return {torch::cat({etaT.unsqueeze(1), etaX}, 1), torch::cat({muT.unsqueeze(1), mean}, 1)};
}

// One chunk's share: its segments' energy, length and negative count, and (when asked) the gradient
// with respect to its points. Nothing is added to the totals until the chunk is through, so a chunk
// that runs out of device memory can be evaluated again in smaller pieces.
struct ChunkEnergy {
    double energy = 0, length = 0;
    int negativeSegments = 0;
    at::Tensor gradient;
};

ChunkEnergy chunkEnergy(const NetworkPosterior& q, const at::Tensor& rows, const at::Tensor& probe, double scale, bool withGradient,
                        NetworkEnergyOptions::Clamp clamp, const SolveControl& control) {
    const int64_t count = rows.size(0);
    const at::Tensor z = withGradient ? rows.clone().requires_grad_(true) : rows;
    const auto [eta, mu] = etaMu(q, z, probe, withGradient);
    const at::Tensor products = (eta.slice(0, 1) - eta.slice(0, 0, count - 1)) * (mu.slice(0, 1) - mu.slice(0, 0, count - 1));
    const at::Tensor raw = products.sum(1);
    if (!torch::isfinite(raw).all().item<bool>()) throw InputError("the spacetime energy is not finite along the curve");
    const at::Tensor segments = clamp == NetworkEnergyOptions::Clamp::Total           ? raw.clamp_min(0)
                                : clamp == NetworkEnergyOptions::Clamp::PerCoordinate ? products.clamp_min(0).sum(1)
                                                                                      : raw;
    const at::Tensor values = raw.detach().to(torch::kDouble);
    ChunkEnergy c;
    c.energy = scale * segments.detach().to(torch::kDouble).sum().item<double>();
    c.length = values.clamp_min(0).sqrt().sum().item<double>();
    c.negativeSegments = static_cast<int>((values < 0).sum().item<int64_t>());
    if (withGradient) {
        control.throwIfCancelled();  // the double backward costs as much as the forward: Cancel between them
        c.gradient = torch::autograd::grad({scale * segments.sum()}, {z})[0];
    }
    return c;
}

}  // namespace

NetworkEnergy networkSpacetimeEnergy(const NetworkPosterior& q, const Eigen::MatrixXd& points, bool withGradient, const NetworkEnergyOptions& o,
                                     const SolveControl& control) {
    const auto shape = q.model().latentShape();
    const int64_t d = shape[0] * shape[1] * shape[2];
    if (points.rows() < 2 || points.cols() != d + 1)
        throw InputError("a spacetime curve needs two or more points of " + std::to_string(d + 1) + " coordinates [λ, x]");
    if (o.chunk < 2) throw InputError("a chunk holds two or more points");
    if (!points.allFinite()) throw InputError("the spacetime curve has non-finite points");
    const int64_t n = points.rows();
    const at::Tensor all = spacetimeRows(points);
    const at::Tensor probe = q.rademacher(1, o.seed);
    NetworkEnergy r;
    at::Tensor grad = withGradient ? torch::zeros({n, d + 1}) : at::Tensor();
    const double scale = 0.5 * static_cast<double>(n - 1);
    for (int64_t first = 0; first < n - 1;) {
        control.throwIfCancelled();
        const int64_t count = std::min({static_cast<int64_t>(o.chunk), n - first, q.pointsPerCall().get()});
        ChunkEnergy c;
        try {
            c = chunkEnergy(q, all.slice(0, first, first + count), probe, scale, withGradient, o.clamp, control);
        } catch (const c10::OutOfMemoryError&) {
            q.pointsPerCall().halve(count, 2, "spacetime points");
            continue;
        }
        r.energy += c.energy;
        r.length += c.length;
        r.negativeSegments += c.negativeSegments;
        r.forward += count;
        if (withGradient) {
            grad.slice(0, first, first + count) += c.gradient;  // the shared point gets both chunks' parts
            r.backward += count;
        }
        first += count - 1;
    }
    if (withGradient) {
        const at::Tensor gd = grad.to(torch::kDouble).contiguous();
        r.gradient = Eigen::Map<const Eigen::Matrix<double, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>>(gd.data_ptr<double>(), n, d + 1);
    }
    return r;
}

}  // namespace geo
