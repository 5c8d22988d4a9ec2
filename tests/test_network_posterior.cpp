// The network denoising posterior of the spacetime geometry (spacetime-geodesics.md §8, §16) through
// the shipped UNet and a tiny Stable Diffusion UNet (the fixtures): τ(λ) inverts the schedule's table;
// at integer τ the posterior mean is (x − σ ε)/α with the model's own ε; the Hutchinson divergence's
// mean over many probes matches the exact divergence, the trace of the Jacobian by autograd (one
// backward per coordinate, batched); and its gradient, taken through the kept graph (double backward),
// matches central differences of the divergence with the probes held fixed.
#include <QtTest>
#include <torch/torch.h>

#include <QTemporaryDir>
#include <cmath>

#include "common/resources.h"
#include "diffusion/diffusion_model.h"
#include "diffusion/network_posterior.h"
#include "sd/sd_model.h"
#include "sd_fixture_model.h"

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
