// Transition-path sampling on 2-D Boltzmann systems. The grid-quadrature denoiser is checked against
// the closed-form posterior of a Gaussian mixture (which it does not share any formula with: it only
// sees the mixture's log density) and against itself on a finer lattice for Müller–Brown; the minimax
// lower bound against the published saddle energies of Müller–Brown; the penalties' gradients against
// finite differences; the Langevin sampler against the exact posterior mean.
#include <QtTest>

#include <random>

#include "field/gaussian_mixture.h"
#include "field/muller_brown.h"
#include "spacetime/boltzmann_denoiser.h"
#include "spacetime/mixture_denoiser.h"
#include "spacetime/spacetime_bvp.h"
#include "spacetime/transition_paths.h"

using namespace geo;

namespace {

std::shared_ptr<const GaussianMixture> threeWells() {
    Eigen::Matrix2d tilted;
    tilted << 0.16, 0.06, 0.06, 0.09;
    return std::make_shared<GaussianMixture>(
        std::vector<double>{0.5, 0.3, 0.2}, std::vector<Eigen::VectorXd>{Eigen::Vector2d(-1, 0), Eigen::Vector2d(1.2, 0.4), Eigen::Vector2d(0, 1.5)},
        std::vector<Eigen::MatrixXd>{0.09 * Eigen::Matrix2d::Identity(), tilted, 0.0625 * Eigen::Matrix2d::Identity()});
}

Box box(double x0, double x1, double y0, double y1) { return {Eigen::Vector2d(x0, y0), Eigen::Vector2d(x1, y1)}; }

// Points near and between the wells, each at every log-SNR in `lambdas`.
void grid(const std::vector<Eigen::Vector2d>& xs, const std::vector<double>& lambdas, Points& x, Eigen::VectorXd& a, Eigen::VectorXd& s) {
    const LinearLogSnr schedule;
    const Eigen::Index n = static_cast<Eigen::Index>(xs.size() * lambdas.size());
    x.resize(n, 2);
    a.resize(n);
    s.resize(n);
    Eigen::Index k = 0;
    for (double l : lambdas)
        for (const Eigen::Vector2d& p : xs) {
            const double t = schedule.timeOf(l);
            a[k] = schedule.alpha(t);
            s[k] = schedule.sigma(t);
            x.row(k++) = a[k - 1] * p.transpose();  // a noisy point whose centre x_t/α is p
        }
}

}  // namespace

class TestTransitionPaths : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void quadratureMatchesTheExactMixturePosterior() {
        // Both the lattice (s ≥ 2.5 h) and the local grid (s < 2.5 h) are exercised: λ = 9 gives
        // s = 0.011, λ = −8 gives s = 55. The trapezoid rule's error is far below 1e-9 at 4+ nodes per
        // standard deviation; the tolerance leaves room for rounding in sums of ~10⁴ terms.
        const auto q = threeWells();
        const BoltzmannDenoiser quad(q, box(-4, 4, -3, 4.5), 0.05);
        const MixtureDenoiser exact(q);
        Points x;
        Eigen::VectorXd a, s;
        grid({{-1, 0}, {0.1, 0.3}, {1.3, 0.5}, {0, 1.4}, {-0.5, 0.8}, {2.5, -1}}, {-8, -3, 0, 2, 4, 6, 9}, x, a, s);
        const PosteriorMoments m = quad.moments(x, a, s), e = exact.moments(x, a, s);
        for (Eigen::Index i = 0; i < x.rows(); ++i) {
            QVERIFY2((m.mean.row(i) - e.mean.row(i)).norm() < 1e-9, qPrintable(QString::number(i)));
            QVERIFY(std::abs(m.secondMoment[i] - e.secondMoment[i]) < 1e-9 * (1 + e.secondMoment[i]));
            QVERIFY2(std::abs(m.divergence[i] - e.divergence[i]) < 1e-7 * (1 + e.divergence[i]),
                     qPrintable(QString("%1: %2 vs %3").arg(i).arg(m.divergence[i]).arg(e.divergence[i])));
        }
    }

    void muellerBrownQuadratureIsConverged() {
        // The shipped lattice (0.04) against one twice as fine, at noise levels from prior-dominated
        // to nearly clean; and the divergence against a finite difference of the mean (Tweedie).
        auto mb = std::make_shared<MullerBrown>(20.0);
        const BoltzmannDenoiser shipped(mb, box(-4.2, 2.2, -2.2, 4.2), 0.04), fine(mb, box(-4.2, 2.2, -2.2, 4.2), 0.015);
        Points x;
        Eigen::VectorXd a, s;
        grid({{-0.558, 1.442}, {0.623, 0.028}, {-0.822, 0.624}, {0.212, 0.293}, {-1.2, 0.2}}, {-5, 0, 3, 4, 5, 6, 8, 10}, x, a, s);
        const PosteriorMoments m = shipped.moments(x, a, s), f = fine.moments(x, a, s);
        for (Eigen::Index i = 0; i < x.rows(); ++i) {
            QVERIFY2((m.mean.row(i) - f.mean.row(i)).norm() < 1e-9, qPrintable(QString("%1: %2 (s %3)").arg(i).arg((m.mean.row(i) - f.mean.row(i)).norm()).arg(s[i] / a[i])));
            QVERIFY(std::abs(m.divergence[i] - f.divergence[i]) < 1e-7 * (1 + f.divergence[i]));
        }
        const double h = 1e-5;
        for (Eigen::Index i = 0; i < x.rows(); ++i) {
            double div = 0;
            for (int k = 0; k < 2; ++k) {
                Points up = x.row(i), down = x.row(i);
                up(0, k) += h;
                down(0, k) -= h;
                div += (shipped.moments(up, a.segment(i, 1), s.segment(i, 1)).mean(0, k) -
                        shipped.moments(down, a.segment(i, 1), s.segment(i, 1)).mean(0, k)) / (2 * h);
            }
            QVERIFY2(std::abs(div - m.divergence[i]) < 1e-4 * (1 + std::abs(div)), qPrintable(QString("%1: %2 vs %3").arg(i).arg(div).arg(m.divergence[i])));
        }
    }

    void lowerBoundIsTheMuellerBrownSaddle() {
        // Müller and Brown (1979): the saddle between A and B has U = −40.665, the one between B and
        // C U = −72.249, so A → C must climb to −40.665. A 400² grid (spacing 0.007) errs by about
        // ½|U''|h² ≈ 0.01 at the saddle.
        const TpsSystem mb = tpsSystem("mueller-brown");
        const TpsLowerBound bound = minimaxLowerBound(mb);
        QVERIFY2(std::abs(bound.barrier - -40.665) < 0.05, qPrintable(QString::number(bound.barrier)));
        QVERIFY((bound.path.row(0).transpose() - mb.from).norm() < 0.01);
        TpsSystem bc = mb;
        bc.from = mb.forbidden;  // minimum B
        QVERIFY(std::abs(minimaxLowerBound(bc).barrier - -72.249) < 0.05);
        QVERIFY(tpsSystem("muller-brown").name == "mueller-brown");
        QVERIFY_THROWS_EXCEPTION(InputError, tpsSystem("alanine"));
        QVERIFY_THROWS_EXCEPTION(InputError, parseTpsConstraint("tight"));
    }

    void penaltyGradientsMatchFiniteDifferences() {
        const MixtureDenoiser q(threeWells());
        const LinearLogSnr s;
        std::mt19937 random(3);
        std::uniform_real_distribution<double> u(-0.3, 0.3);
        Eigen::MatrixXd z(12, 3);
        for (int i = 0; i < 12; ++i) z.row(i) << -1 + i * 0.2 + u(random), 0.1 * i + u(random), 0.3 + 0.02 * i + 0.1 * u(random);
        LowNoisePenalty low(s, 5);
        low.weight = 3;
        SpacetimePath star{Points(1, 2), Eigen::VectorXd::Constant(1, 0.3)};
        star.x << 0, 0.5;
        AvoidPosteriorPenalty avoid(exponentialCoordinates(q, s, star).mu.row(0), 0.5);
        const std::vector<const SpacetimePenalty*> penalties{&low, &avoid};
        Eigen::MatrixXd g;
        spacetimeObjective(q, s, z, penalties, &g);
        const double h = 1e-6;
        for (int i = 0; i < z.rows(); ++i)
            for (int k = 0; k < 3; ++k) {
                Eigen::MatrixXd up = z, down = z;
                up(i, k) += h;
                down(i, k) -= h;
                const double fd = (spacetimeObjective(q, s, up, penalties, nullptr) - spacetimeObjective(q, s, down, penalties, nullptr)) / (2 * h);
                QVERIFY2(std::abs(fd - g(i, k)) < 1e-4 * (1 + std::abs(fd)), qPrintable(QString("%1,%2: %3 vs %4").arg(i).arg(k).arg(fd).arg(g(i, k))));
            }
    }

    void langevinSamplesThePosterior() {
        // A "curve" of one point: the chains then sample p(x | z) by Langevin dynamics, and their
        // time average must match the exact posterior mean within 4 standard errors (estimated from
        // 64 independent chains) plus the step's O(ds) bias.
        const auto q = threeWells();
        const MixtureDenoiser exact(q);
        const LinearLogSnr schedule;
        const double t = schedule.timeOf(1.0);
        SpacetimePath curve{Points(1, 2), Eigen::VectorXd::Constant(1, t)};
        curve.x << 0.2 * schedule.alpha(t), 0.5 * schedule.alpha(t);
        LangevinSettings settings;
        settings.paths = 64;
        settings.stepsPerPoint = 6000;
        settings.stepSize = 2e-3;
        const std::vector<Points> chains = sampleTransitionPaths(*q, curve, settings);
        Eigen::MatrixXd means(64, 2);
        for (int c = 0; c < 64; ++c) means.row(c) = chains[c].bottomRows(3000).colwise().mean();
        const Eigen::RowVector2d mean = means.colwise().mean();
        const Eigen::RowVector2d se = ((means.rowwise() - mean).array().square().colwise().sum() / (63.0 * 64.0)).sqrt();
        const Eigen::RowVector2d expected =
            exact.moments(curve.x, Eigen::VectorXd::Constant(1, schedule.alpha(t)), Eigen::VectorXd::Constant(1, schedule.sigma(t))).mean;
        for (int k = 0; k < 2; ++k)
            QVERIFY2(std::abs(mean[k] - expected[k]) < 4 * se[k] + 0.01, qPrintable(QString("%1 vs %2 (se %3)").arg(mean[k]).arg(expected[k]).arg(se[k])));
    }

    void constraintsHoldOnTheGeodesic() {
        // Low variance: λ ≥ 3 along the curve, up to the hinge's softness; avoidance: KL(z*‖γ) falls
        // at most klDrop below its start, up to the same softness (the hinge's width is 1/β = 0.1).
        TpsOptions o;
        o.points = 32;
        const TpsSystem mb = tpsSystem("mueller-brown");
        o.constraint = TpsConstraint::LowVariance;
        const TpsGeodesic low = solveTransitionGeodesic(mb, o);
        const LinearLogSnr schedule;
        QVERIFY(schedule.lambda(low.bvp.path.t.maxCoeff()) > mb.lowVarianceLambda - 0.2);
        o.constraint = TpsConstraint::None;
        const TpsGeodesic free = solveTransitionGeodesic(mb, o);
        QVERIFY(schedule.lambda(free.bvp.path.t.maxCoeff()) < mb.lowVarianceLambda - 1);  // the constraint bites
        QVERIFY(free.klChange.minCoeff() < -mb.klDrop - 5);
        o.constraint = TpsConstraint::Avoid;
        const TpsGeodesic avoid = solveTransitionGeodesic(mb, o);
        QVERIFY2(avoid.klChange.minCoeff() > -mb.klDrop - 1, qPrintable(QString::number(avoid.klChange.minCoeff())));
        QVERIFY(avoid.bvp.energy.negativeSegments == 0);
    }
};

QTEST_APPLESS_MAIN(TestTransitionPaths)
#include "test_transition_paths.moc"
