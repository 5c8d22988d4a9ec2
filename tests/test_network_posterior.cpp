// The network denoising posterior of the spacetime geometry (spacetime-geodesics.md §8, §16) through
// the shipped UNet and a tiny Stable Diffusion UNet (the fixtures): τ(λ) inverts the schedule's table;
// at integer τ the posterior mean is (x − σ ε)/α with the model's own ε; the Hutchinson divergence's
// mean over many probes matches the exact divergence, the trace of the Jacobian by autograd (one
// backward per coordinate, batched); and its gradient, taken through the kept graph (double backward),
// matches central differences of the divergence with the probes held fixed; and the spacetime energy
// of a curve through an exact Gaussian-mixture ε-network equals the closed-form energy (MixtureDenoiser)
// within its standard error, with a double-backward gradient that matches central differences.
// Out of GPU memory: batches and energy chunks halve and retry, with the same results.
#include <QtTest>
#include <torch/torch.h>

#include <QTemporaryDir>
#include <cmath>
#include <limits>
#include <mutex>

#include "common/errors.h"
#include "common/notices.h"
#include "common/resources.h"
#include "diffusion/diffusion_model.h"
#include "diffusion/network_posterior.h"
#include "sd/sd_model.h"
#include "field/gaussian_mixture.h"
#include "sd_fixture_model.h"
#include "spacetime/mixture_denoiser.h"
#include "spacetime/network_bvp.h"
#include "spacetime/network_energy.h"

using namespace geo;

namespace {

std::shared_ptr<const DiffusionModel> shipped() { return DiffusionModel::load(defaultModelDir(), ComputeOptions{"cpu", "float32", 64}); }

// tr ∂x̂₀/∂x at one point, exactly: the point repeated once per coordinate, each copy differentiated in
// its own coordinate (rows of the identity as "probes"), in batches.
double exactDivergence(const NetworkPosterior& q, const at::Tensor& x, double lambda) {
    const int64_t d = x.numel();
    double trace = 0;
    for (int64_t first = 0; first < d; first += 128) {
        const int64_t n = std::min<int64_t>(128, d - first);
        const at::Tensor xs = x.unsqueeze(0).expand({n, -1, -1, -1}).contiguous().requires_grad_(true);
        const at::Tensor basis = torch::zeros({n, d});
        for (int64_t i = 0; i < n; ++i) basis[i][first + i] = 1;
        const at::Tensor e = basis.view(xs.sizes());
        const at::Tensor m = q.mean(xs, torch::full({n}, lambda));
        const at::Tensor g = torch::autograd::grad({(m * e).sum()}, {xs})[0];
        trace += (g * e).sum().item<double>();
    }
    return trace;
}

// The Hutchinson estimator's mean and standard error over `probes` probes at one point.
std::pair<double, double> hutchinson(const NetworkPosterior& q, const at::Tensor& x, double lambda, int probes, uint64_t seed) {
    std::vector<double> v;
    for (int first = 0; first < probes; first += 64) {
        const int n = std::min(64, probes - first);
        const at::Tensor xs = x.unsqueeze(0).expand({n, -1, -1, -1}).contiguous();
        const at::Tensor div = q.meanAndDivergence(xs, torch::full({n}, lambda), q.rademacher(n, seed + first), false).divergence;
        for (int i = 0; i < n; ++i) v.push_back(div[i].item<double>());
    }
    double mean = 0, var = 0;
    for (double d : v) mean += d / v.size();
    for (double d : v) var += (d - mean) * (d - mean) / (v.size() - 1);
    return {mean, std::sqrt(var / v.size())};
}

void checkDivergence(const std::shared_ptr<const DiffusionModel>& model, double lambda) {
    const NetworkPosterior q(model);
    const auto shape = model->latentShape();
    auto gen = at::detail::createCPUGenerator(5);
    const at::Tensor x = at::randn({shape[0], shape[1], shape[2]}, gen);
    const double exact = exactDivergence(q, x, lambda);
    const auto [mean, se] = hutchinson(q, x, lambda, 512, 11);
    qInfo("divergence at λ = %g over %lld dimensions: Hutchinson %.4f ± %.4f, exact %.4f", lambda, static_cast<long long>(x.numel()), mean, se, exact);
    // The estimator is unbiased: its mean over 512 probes lies within 4 standard errors of the trace
    // (a false alarm once in ~16 000 runs); the standard error itself is what the probes measure.
    QVERIFY2(std::abs(mean - exact) < 4 * se + 1e-3 * std::abs(exact),
             qPrintable(QString("Hutchinson %1 ± %2 against the exact %3").arg(mean).arg(se).arg(exact)));
}

// d/dh of the divergence along a direction v (probes fixed): the kept graph against central differences.
void checkDoubleBackward(const std::shared_ptr<const DiffusionModel>& model, double lambda) {
    const NetworkPosterior q(model);
    const auto shape = model->latentShape();
    auto gen = at::detail::createCPUGenerator(9);
    const at::Tensor x0 = at::randn({2, shape[0], shape[1], shape[2]}, gen);
    const at::Tensor v = at::randn({2, shape[0], shape[1], shape[2]}, gen);
    const at::Tensor probes = q.rademacher(2, 3);
    const at::Tensor lambdas = torch::full({2}, lambda);
    const at::Tensor x = x0.clone().requires_grad_(true);
    const at::Tensor div = q.meanAndDivergence(x, lambdas, probes, true).divergence;
    const at::Tensor g = torch::autograd::grad({div.sum()}, {x})[0];
    const double analytic = (g * v).sum().item<double>();
    // float32 network: a step of 1e-2 along a unit-variance direction keeps round-off (~1e-6 relative
    // in the divergence) and curvature (O(h²)) both well below the 3 % tolerance.
    const double h = 1e-2;
    const double plus = q.meanAndDivergence(x0 + h * v, lambdas, probes, false).divergence.sum().item<double>();
    const double minus = q.meanAndDivergence(x0 - h * v, lambdas, probes, false).divergence.sum().item<double>();
    const double numeric = (plus - minus) / (2 * h);
    qInfo("d(divergence)/dh: double backward %.5f, central differences %.5f", analytic, numeric);
    QVERIFY2(std::abs(analytic - numeric) < 0.03 * std::abs(numeric) + 1e-2,
             qPrintable(QString("double backward %1 against central differences %2").arg(analytic).arg(numeric)));
}

// An exact ε-network for data from a mixture of isotropic Gaussians N(m_k, v I) in a 1×4×4 latent: at
// a fractional τ it uses ᾱ = sigmoid(λ(τ)) with λ(τ) the schedule's table interpolated linearly in τ,
// the inverse of NetworkPosterior::timeOf, so its posterior mean is the mixture's exact one.
class MixtureEpsilon final : public LatentNetworks {
public:
    MixtureEpsilon(std::vector<at::Tensor> means, double v) : means_(std::move(means)), v_(v) {}
    at::Tensor predict(const at::Tensor& xt, const at::Tensor& steps) const override {
        const at::Tensor t = steps.to(torch::kDouble).clamp(0, 999);
        const at::Tensor lo = t.floor().clamp_max(998), w = t - lo;
        std::vector<double> table(1000);
        for (int i = 0; i < 1000; ++i) table[static_cast<size_t>(i)] = schedule_.logSnr(i);
        const at::Tensor lambdas = torch::tensor(table, torch::kDouble);
        const at::Tensor l = lambdas.index_select(0, lo.to(torch::kLong)) * (1 - w) + lambdas.index_select(0, lo.to(torch::kLong) + 1) * w;
        const at::Tensor a = torch::sigmoid(l).sqrt().view({-1, 1, 1, 1}), s2 = torch::sigmoid(-l).view({-1, 1, 1, 1});
        const at::Tensor x = xt.to(torch::kDouble), var = a * a * v_ + s2;
        std::vector<at::Tensor> logits, diffs;
        for (const at::Tensor& m : means_) {
            const at::Tensor d = a * m.to(torch::kDouble) - x;
            diffs.push_back(d);
            logits.push_back((-0.5 * d.pow(2) / var).flatten(1).sum(1));
        }
        const at::Tensor r = torch::softmax(torch::stack(logits, 1), 1);
        at::Tensor score = torch::zeros_like(x);
        for (size_t k = 0; k < means_.size(); ++k) score = score + r.select(1, static_cast<int64_t>(k)).view({-1, 1, 1, 1}) * diffs[k] / var;
        return (-s2.sqrt() * score).to(xt.scalar_type());
    }
    at::Tensor encode(const at::Tensor& images) const override { return images.slice(1, 0, 1).slice(2, 0, 4).slice(3, 0, 4); }
    at::Tensor decode(const at::Tensor& latents) const override { return latents; }
    c10::Device device() const override { return torch::kCPU; }
    c10::ScalarType dtype() const override { return torch::kFloat; }

private:
    std::vector<at::Tensor> means_;
    double v_;
    DiscreteSchedule schedule_;
};

// A network that runs out of "device memory" above `limit` rows a call, as CUDA's caching allocator
// does (c10::OutOfMemoryError), and otherwise answers as `inner`. The real error on a GPU is checked
// by bench/cuda (docs/hardening.md); here the halving logic is checked on the CPU.
class OutOfMemoryAbove final : public LatentNetworks {
public:
    OutOfMemoryAbove(std::unique_ptr<LatentNetworks> inner, int64_t limit) : inner_(std::move(inner)), limit_(limit) {}
    at::Tensor predict(const at::Tensor& xt, const at::Tensor& steps) const override { return fits(xt), inner_->predict(xt, steps); }
    at::Tensor encode(const at::Tensor& images) const override { return fits(images), inner_->encode(images); }
    at::Tensor decode(const at::Tensor& latents) const override { return fits(latents), inner_->decode(latents); }
    c10::Device device() const override { return inner_->device(); }
    c10::ScalarType dtype() const override { return inner_->dtype(); }
    mutable int refused = 0;

private:
    void fits(const at::Tensor& rows) const {
        if (rows.size(0) <= limit_) return;
        ++refused;
        throw c10::OutOfMemoryError(c10::SourceLocation{__func__, __FILE__, static_cast<uint32_t>(__LINE__)},
                                    "CUDA out of memory (imitated): " + std::to_string(rows.size(0)) + " rows");
    }
    std::unique_ptr<LatentNetworks> inner_;
    int64_t limit_;
};

// The mixture of the energy tests: two isotropic components in the 1×4×4 latent, the network and the
// closed form.
struct ExactMixture {
    std::shared_ptr<const DiffusionModel> model;
    std::vector<Eigen::VectorXd> means;
    std::shared_ptr<MixtureDenoiser> exact;
};

ExactMixture exactMixture(int64_t rowsThatFit = std::numeric_limits<int64_t>::max()) {
    const double v = 0.3;
    auto gen = at::detail::createCPUGenerator(2);
    std::vector<at::Tensor> means{at::randn({1, 4, 4}, gen), at::randn({1, 4, 4}, gen) + 1.5};
    ModelDescription desc;
    desc.name = "exact mixture";
    desc.latentShape = {1, 4, 4};
    desc.imageSize = 4;
    ExactMixture m;
    std::unique_ptr<LatentNetworks> net = std::make_unique<MixtureEpsilon>(means, v);
    if (rowsThatFit < std::numeric_limits<int64_t>::max()) net = std::make_unique<OutOfMemoryAbove>(std::move(net), rowsThatFit);
    m.model = std::make_shared<DiffusionModel>(std::move(net), desc, 64);
    for (const at::Tensor& t : means) {
        const at::Tensor md = t.to(torch::kDouble).flatten().contiguous();
        m.means.push_back(Eigen::Map<const Eigen::VectorXd>(md.data_ptr<double>(), 16));
    }
    m.exact = std::make_shared<MixtureDenoiser>(
        std::make_shared<GaussianMixture>(std::vector<double>{1, 1}, m.means, std::vector<Eigen::MatrixXd>(2, v * Eigen::MatrixXd::Identity(16, 16))));
    return m;
}

// (N − 1)/2 Σ Δη·Δμ of [λ, x] points with μ in closed form.
double exactEnergy(const MixtureDenoiser& exact, const Eigen::MatrixXd& z) {
    const Eigen::Index n = z.rows(), d = z.cols() - 1;
    Eigen::VectorXd alpha(n), sigma(n);
    for (Eigen::Index i = 0; i < n; ++i) alpha[i] = std::sqrt(1 / (1 + std::exp(-z(i, 0)))), sigma[i] = std::sqrt(1 / (1 + std::exp(z(i, 0))));
    const PosteriorMoments m = exact.moments(z.rightCols(d), alpha, sigma);
    auto eta = [&](Eigen::Index k) {
        Eigen::VectorXd e(d + 1);
        e[0] = -0.5 * std::exp(z(k, 0));
        e.tail(d) = alpha[k] / (sigma[k] * sigma[k]) * z.row(k).tail(d).transpose();
        return e;
    };
    auto mu = [&](Eigen::Index k) {
        Eigen::VectorXd e(d + 1);
        e[0] = m.secondMoment[k];
        e.tail(d) = m.mean.row(k).transpose();
        return e;
    };
    double energy = 0;
    for (Eigen::Index i = 0; i + 1 < n; ++i) energy += 0.5 * static_cast<double>(n - 1) * (eta(i + 1) - eta(i)).dot(mu(i + 1) - mu(i));
    return energy;
}

}  // namespace

class TestNetworkPosterior : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void initTestCase() { at::set_num_threads(2); }

    void timeInvertsTheSchedule() {
        const NetworkPosterior q(shipped());
        for (int tau : {0, 19, 111, 354, 581, 998}) {
            const double l = q.model().schedule().logSnr(tau);
            QVERIFY(std::abs(q.timeOf(torch::full({1}, l, torch::kDouble))[0].item<double>() - tau) < 1e-3);
            QVERIFY(std::abs(q.lambdaAt(tau) - l) < 1e-12);
        }
        QVERIFY(std::abs(q.timeOf(torch::full({1}, 2.0))[0].item<double>() - 111) < 1.5);  // λ = 2 at τ ≈ 111 (§1)
        QCOMPARE(q.timeOf(torch::full({1}, 50.0))[0].item<double>(), 0.0);  // clamped
    }

    void meanAtAnIntegerTimeIsTweedie() {
        const auto model = shipped();
        const NetworkPosterior q(model);
        const int tau = 300;
        const double bar = model->schedule().alphaBar(tau);
        auto gen = at::detail::createCPUGenerator(1);
        const auto shape = model->latentShape();
        const at::Tensor x = at::randn({3, shape[0], shape[1], shape[2]}, gen);
        torch::NoGradGuard off;
        const at::Tensor expected = (x - std::sqrt(1 - bar) * model->epsilon(x, tau)) / std::sqrt(bar);
        const at::Tensor got = q.mean(x, torch::full({3}, model->schedule().logSnr(tau)));
        QVERIFY2(torch::allclose(got, expected, 1e-4, 1e-4), qPrintable(QString::number((got - expected).abs().max().item<double>())));
    }

    void hutchinsonMatchesTheTraceThroughTheShippedUnet() { checkDivergence(shipped(), 2.0); }
    void doubleBackwardThroughTheShippedUnet() { checkDoubleBackward(shipped(), 2.0); }

    // Against the exact posterior of a Gaussian mixture (MixtureDenoiser): the energy of a curve through
    // the network path equals the exact one within the estimator's standard error over many probes,
    // and its gradient (double backward) matches central differences of the energy with the probe fixed.
    void energyOfAMixtureMatchesTheExactOne() {
        const ExactMixture mix = exactMixture();
        const NetworkPosterior q(mix.model);
        const std::vector<Eigen::VectorXd>& mu = mix.means;
        // A curve from near one mean to near the other, dipping to λ = 0 in the middle.
        const int n = 24;
        Eigen::MatrixXd z(n, 17);
        for (int i = 0; i < n; ++i) {
            const double s = double(i) / (n - 1);
            z(i, 0) = 3 - 3 * std::sin(M_PI * s);
            z.row(i).tail(16) = ((1 - s) * mu[0] + s * mu[1]).transpose() + 0.2 * std::sin(3 * s) * Eigen::RowVectorXd::Ones(16);
        }
        const double want = exactEnergy(*mix.exact, z);
        std::vector<double> got;
        for (uint64_t seed = 0; seed < 200; ++seed) got.push_back(networkSpacetimeEnergy(q, z, false, {8, seed}).energy);
        double mean = 0, var = 0;
        for (double e : got) mean += e / got.size();
        for (double e : got) var += (e - mean) * (e - mean) / (got.size() - 1);
        const double se = std::sqrt(var / got.size());
        qInfo("mixture energy: network path %.5f ± %.5f over %zu probes, exact %.5f", mean, se, got.size(), want);
        // Unbiased up to float32 arithmetic (1e-4 of the energy): within 4 standard errors.
        QVERIFY2(std::abs(mean - want) < 4 * se + 1e-4 * std::abs(want), qPrintable(QString("%1 ± %2 against %3").arg(mean).arg(se).arg(want)));

        // The gradient along a random direction of all the points against central differences.
        const NetworkEnergy e = networkSpacetimeEnergy(q, z, true, {8, 5});
        Eigen::MatrixXd dir = Eigen::MatrixXd::Random(n, 17);
        dir.row(0).setZero();
        const double h = 1e-3;
        const double numeric =
            (networkSpacetimeEnergy(q, z + h * dir, false, {8, 5}).energy - networkSpacetimeEnergy(q, z - h * dir, false, {8, 5}).energy) / (2 * h);
        const double analytic = (e.gradient.array() * dir.array()).sum();
        qInfo("mixture energy gradient along a direction: %.5f (double backward), %.5f (central differences)", analytic, numeric);
        QVERIFY2(std::abs(analytic - numeric) < 0.02 * std::abs(numeric) + 1e-3, qPrintable(QString("%1 against %2").arg(analytic).arg(numeric)));
        QCOMPARE(e.forward, 27LL);  // chunks of 8 sharing a point: 0–7, 7–14, 14–21, 21–23
    }

    // The geodesic between two points near the mixture's means at λ = 2: a lower exact energy than the
    // straight segment, fixed ends, and a rise toward noise between the dissimilar ends (§10.3).
    void geodesicOfAMixtureBeatsTheStraightSegment() {
        const ExactMixture mix = exactMixture();
        const NetworkPosterior q(mix.model);
        Eigen::VectorXd from(17), to(17);
        from << 2, mix.means[0];
        to << 2, mix.means[1];
        SpacetimeBvpOptions o;
        o.points = 16;
        o.nodes = 4;
        o.optimizer = SpacetimeBvpOptions::Optimizer::Adam;
        o.learningRate = 0.05;
        o.maxSteps = 150;
        o.window = 30;
        o.tolerance = 1e-4;
        int snapshots = 0;
        const NetworkBvpResult r = solveNetworkSpacetimeBvp(q, from, to, o, {16, 1}, 16, {}, [&](const NetworkBvpSnapshot& s) {
            ++snapshots;
            QVERIFY(s.points->rows() == 16);
        });
        Eigen::MatrixXd straight(16, 17);
        for (int i = 0; i < 16; ++i) straight.row(i) = (from + (to - from) * (i / 15.0)).transpose();
        const double solved = exactEnergy(*mix.exact, r.points), line = exactEnergy(*mix.exact, straight);
        qInfo("mixture geodesic: exact energy %.3f against %.3f for the straight segment; network estimate %.3f ± %.3f; lowest λ %.2f; %d steps, "
              "%lld forward and %lld backward passes",
              solved, line, r.energy.energy, r.energyError, r.points.col(0).minCoeff(), r.steps, r.forward, r.backward);
        QVERIFY(solved < 0.8 * line);
        QVERIFY((r.points.row(0).transpose() - from).norm() < 1e-9 && (r.points.row(15).transpose() - to).norm() < 1e-9);
        QVERIFY(r.points.col(0).minCoeff() < 1.5);
        QVERIFY(std::abs(r.energy.energy - solved) < 4 * r.energyError + 1e-3 * solved);
        QVERIFY(snapshots >= r.steps);
    }

    // A device that fits 10 rows a call: 100 latents through the noise network (batches of 64 → 32 →
    // 16 → 8, one notice each, then 8 for the next call without a failure), decoding, and the spacetime
    // energy with its double backward (chunks of 16 → 8 points) give what a device without a
    // limit gives, up to float32 rounding of sums taken in other groupings (1e-5 relative).
    void outOfMemoryHalvesTheBatchAndRetries() {
        std::vector<std::string> notices;
        std::mutex m;
        const NoticeSink previous = setNoticeSink([&](const std::string& text) {
            const std::lock_guard lock(m);
            notices.push_back(text);
        });
        const ExactMixture plenty = exactMixture(), tight = exactMixture(10);
        const at::Tensor x = at::randn({100, 1, 4, 4}, at::detail::createCPUGenerator(4));
        QVERIFY(torch::allclose(tight.model->epsilon(x, 300), plenty.model->epsilon(x, 300), 1e-6, 1e-6));
        QCOMPARE(notices.size(), size_t(3));
        QCOMPARE(QString::fromStdString(notices[0]), QString("out of GPU memory with 64 latents through the noise network at a time: retrying with 32"));
        QVERIFY(QString::fromStdString(notices[2]).endsWith("retrying with 8"));
        tight.model->epsilon(x, 500);
        QCOMPARE(notices.size(), size_t(3));  // the halved size is kept
        QVERIFY(torch::equal(tight.model->decode(x), plenty.model->decode(x)));
        QCOMPARE(notices.size(), size_t(6));  // the autoencoder's limit halves on its own

        const int n = 30;
        Eigen::MatrixXd z(n, 17);
        for (int i = 0; i < n; ++i) {
            const double s = double(i) / (n - 1);
            z(i, 0) = 2 - std::sin(M_PI * s);
            z.row(i).tail(16) = ((1 - s) * plenty.means[0] + s * plenty.means[1]).transpose();
        }
        const NetworkEnergy want = networkSpacetimeEnergy(NetworkPosterior(plenty.model), z, true, {16, 3});
        const NetworkPosterior q(tight.model);
        const NetworkEnergy got = networkSpacetimeEnergy(q, z, true, {16, 3});
        qInfo("energy with unlimited chunks %.6f, after halving %.6f; notices: %s", want.energy, got.energy, notices.back().c_str());
        QCOMPARE(q.pointsPerCall().get(), int64_t(8));
        QVERIFY(std::abs(got.energy - want.energy) < 1e-5 * std::abs(want.energy));
        QVERIFY(std::abs(got.length - want.length) < 1e-5 * want.length);
        QVERIFY((got.gradient - want.gradient).norm() < 1e-5 * want.gradient.norm());
        QCOMPARE(got.forward, 34LL);  // chunks of 8 sharing a point: 0–7, 7–14, 14–21, 21–28, 28–29

        // Not even the smallest batch fits: a message that says what to change, no crash.
        const ExactMixture none = exactMixture(0);
        try {
            none.model->epsilon(x, 300);
            QFAIL("no error");
        } catch (const InputError& e) {
            QVERIFY2(QString(e.what()).startsWith("out of GPU memory even at the smallest batch of latents through the noise network (1)"), e.what());
        }
        try {
            networkSpacetimeEnergy(NetworkPosterior(exactMixture(1).model), z, false, {16, 3});
            QFAIL("no error");
        } catch (const InputError& e) {
            QVERIFY2(QString(e.what()).contains("smallest batch of spacetime points (2)"), e.what());
        }
        setNoticeSink(previous);
    }

    void throughATinyStableDiffusionUnet() {
        if (qEnvironmentVariable("GEODESIC_FIXTURES").isEmpty()) QSKIP("GEODESIC_FIXTURES is not set");
        QTemporaryDir dir;
        assembleTinySd(dir.filePath("sd").toStdString());
        const std::shared_ptr<const DiffusionModel> sd = loadStableDiffusion(dir.filePath("sd").toStdString(), ComputeOptions{"cpu", "float32", 64}, {});
        checkDivergence(sd, 0.0);
        checkDoubleBackward(sd, 0.0);
    }
};

QTEST_MAIN(TestNetworkPosterior)
#include "test_network_posterior.moc"
