#include "spacetime/hutchinson_denoiser.h"

#include <random>

#include "common/errors.h"

namespace geo {

HutchinsonDenoiser::HutchinsonDenoiser(std::shared_ptr<const Denoiser> means, int probes, uint64_t seed, double h)
    : means_(std::move(means)), probes_(probes), h_(h) {
    if (!means_ || probes < 1 || !(h > 0)) throw InputError("Hutchinson's estimator needs a mean, one probe or more and a positive step");
    reseed(seed);
}

void HutchinsonDenoiser::reseed(uint64_t seed) {
    // seed_seq scrambles the seed: engines seeded with neighbouring integers directly give correlated
    // first draws, which biased the estimate when each call reseeds with the step number.
    std::seed_seq sequence{static_cast<uint32_t>(seed), static_cast<uint32_t>(seed >> 32)};
    std::mt19937_64 rng(sequence);
    std::bernoulli_distribution coin;
    signs_.resize(probes_, means_->dim());
    for (Eigen::Index i = 0; i < signs_.size(); ++i) signs_.data()[i] = coin(rng) ? 1.0 : -1.0;
}

PosteriorMoments HutchinsonDenoiser::moments(const Points& x, const Eigen::VectorXd& alpha, const Eigen::VectorXd& sigma) const {
    const Eigen::Index n = x.rows(), d = dim();
    if (x.cols() != d) throw InputError("points have " + std::to_string(x.cols()) + " coordinates, the denoiser " + std::to_string(d));
    // One batch: the points themselves, then x ± hε_j for every probe j.
    Points batch(n * (1 + 2 * probes_), d);
    Eigen::VectorXd a(batch.rows()), s(batch.rows());
    batch.topRows(n) = x;
    a.head(n) = alpha;
    s.head(n) = sigma;
    for (int j = 0; j < probes_; ++j)
        for (int sign = 0; sign < 2; ++sign) {
            const Eigen::Index at = n * (1 + 2 * j + sign);
            batch.middleRows(at, n) = x.rowwise() + (sign ? h_ : -h_) * signs_.row(j);
            a.segment(at, n) = alpha;
            s.segment(at, n) = sigma;
        }
    const Points mean = means_->moments(batch, a, s).mean;
    PosteriorMoments out{mean.topRows(n), Eigen::VectorXd(n), Eigen::VectorXd::Zero(n)};
    for (int j = 0; j < probes_; ++j) {
        const Points diff = mean.middleRows(n * (2 + 2 * j), n) - mean.middleRows(n * (1 + 2 * j), n);
        out.divergence += diff * signs_.row(j).transpose() / (2 * h_);
    }
    out.divergence /= probes_;
    for (Eigen::Index i = 0; i < n; ++i)
        out.secondMoment[i] = sigma[i] * sigma[i] / alpha[i] * out.divergence[i] + out.mean.row(i).squaredNorm();
    return out;
}

}  // namespace geo
