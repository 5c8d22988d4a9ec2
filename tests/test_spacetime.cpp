// The spacetime (Fisher–Rao) geometry on the reference's 1-D toy mixture
// 0.275·N(−2.5, 0.75²) + 0.45·N(0.5, 0.75²) + 0.275·N(2.5, 0.75²) with λ(t) = 10 − 20t, against the
// numbers of spacetime-geodesics.md §14 (reference code run in float64) and against identities that
// do not share the code's formulas: the symmetrised KL from the log-partition ψ (§5.3), and the
// divergence as a finite difference of the posterior mean.
#include <QtTest>

#include "field/gaussian_mixture.h"
#include "spacetime/mixture_denoiser.h"
#include "spacetime/hutchinson_denoiser.h"
#include "spacetime/pf_ode.h"
#include "spacetime/spacetime_bvp.h"
#include "spacetime/spacetime_fields.h"
#include "spacetime/spacetime_energy.h"

using namespace geo;

namespace {

SpacetimePath points(std::initializer_list<std::pair<double, double>> tx) {
    SpacetimePath p{Points(tx.size(), 1), Eigen::VectorXd(tx.size())};
    int i = 0;
    for (auto [t, x] : tx) {
        p.t[i] = t;
        p.x(i++, 0) = x;
    }
    return p;
}

// ψ(z) = log p_t(x) + (D/2) log(2πσ²) + ‖x‖²/(2σ²) (§3), and KL(1‖2) = ψ₂ − ψ₁ − (η₂ − η₁)ᵀμ₁.
double symmetrisedKl(const MixtureDenoiser& q, const LogSnrSchedule& s, const SpacetimePath& p) {
    const ExponentialCoordinates c = exponentialCoordinates(q, s, p);
    Eigen::VectorXd a(2), sg(2);
    for (int i = 0; i < 2; ++i) {
        a[i] = s.alpha(p.t[i]);
        sg[i] = s.sigma(p.t[i]);
    }
    const Eigen::VectorXd logp = q.logMarginal(p.x, a, sg);
    double psi[2];
    for (int i = 0; i < 2; ++i) psi[i] = logp[i] + 0.5 * std::log(2 * M_PI * sg[i] * sg[i]) + p.x(i, 0) * p.x(i, 0) / (2 * sg[i] * sg[i]);
    const double kl12 = psi[1] - psi[0] - (c.eta.row(1) - c.eta.row(0)).dot(c.mu.row(0));
    const double kl21 = psi[0] - psi[1] - (c.eta.row(0) - c.eta.row(1)).dot(c.mu.row(1));
    return kl12 + kl21;
}

}  // namespace

class TestSpacetime : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void etaAndMuAtReferencePoints() {
        // §14.2: t, x, η_t, η_x, μ_x, μ_t, div E. The table has 6 decimals; tolerance 2e-6 relative + 1e-6.
        const double table[][7] = {{0.35, -2.3, -10.042768, -47.332767, -2.367706, 5.651897, 0.943869},
                                   {0.40, 2.0, -3.694528, 15.746391, 2.120573, 4.631007, 1.056391},
                                   {0.50, 0.0, -0.5, 0, 0.271374, 0.835851, 1.077924},
                                   {0.10, 1.0, -1490.478994, 2981.457945, 0.999981, 1.000298, 0.999932},
                                   {0.70, 0.3, -0.009158, 0.040971, 0.387252, 3.950405, 0.519023}};
        const MixtureDenoiser q(paperToyMixture());
        const LinearLogSnr s;
        for (const auto& row : table) {
            const SpacetimePath p = points({{row[0], row[1]}});
            const ExponentialCoordinates c = exponentialCoordinates(q, s, p);
            const double a = s.alpha(row[0]), sg = s.sigma(row[0]);
            const PosteriorMoments m = q.moments(p.x, Eigen::VectorXd::Constant(1, a), Eigen::VectorXd::Constant(1, sg));
            const double got[] = {c.eta(0, 1), c.eta(0, 0), c.mu(0, 0), c.mu(0, 1), m.divergence[0]};
            for (int k = 0; k < 5; ++k)
                QVERIFY2(std::abs(got[k] - row[2 + k]) <= 2e-6 * std::abs(row[2 + k]) + 1e-6,
                         qPrintable(QString("t=%1 x=%2 column %3: %4 vs %5").arg(row[0]).arg(row[1]).arg(k).arg(got[k], 0, 'f', 7).arg(row[2 + k])));
        }
    }
    void segmentTermIsTheSymmetrisedKl() {
        // §14.2's second table; ψ comes from the marginal density, not from μ.
        const MixtureDenoiser q(paperToyMixture());
        const LinearLogSnr s;
        const std::tuple<double, double, double, double, double> cases[] = {
            {0.35, -2.3, 0.40, 2.0, 276.636044}, {0.50, 0.0, 0.52, 0.1, 0.084050}, {0.10, 1.0, 0.70, 0.3, 6223.846579}};
        for (auto [t1, x1, t2, x2, expected] : cases) {
            const SpacetimePath p = points({{t1, x1}, {t2, x2}});
            const double term = spacetimeEnergy(q, s, p).codeEnergy;
            QVERIFY2(std::abs(term - expected) < 1e-6 * expected + 1e-6, qPrintable(QString::number(term, 'f', 6)));
            QVERIFY(std::abs(symmetrisedKl(q, s, p) - term) < 1e-7 * expected);
        }
    }
    void divergenceIsTheDerivativeOfTheMean() {
        // Central differences, step 1e-5: truncation ~1e-10, round-off ~1e-11 / 1e-5; tolerance 1e-6.
        const MixtureDenoiser q(paperToyMixture());
        const LinearLogSnr s;
        for (double t : {0.1, 0.35, 0.5, 0.7})
            for (double x : {-2.0, 0.3, 1.7}) {
                const Eigen::VectorXd a = Eigen::VectorXd::Constant(3, s.alpha(t)), sg = Eigen::VectorXd::Constant(3, s.sigma(t));
                Points xs(3, 1);
                xs << x - 1e-5, x, x + 1e-5;
                const PosteriorMoments m = q.moments(xs, a, sg);
                const double fd = (m.mean(2, 0) - m.mean(0, 0)) / 2e-5;
                QVERIFY2(std::abs(fd - m.divergence[1]) < 1e-6 * std::max(1.0, std::abs(fd)), qPrintable(QString("%1 vs %2").arg(fd).arg(m.divergence[1])));
            }
    }
    void probabilityFlowEnergiesOfThePaperToy() {
        // §14.4: 512 Euler steps from t = 1 to 0.1; endpoints and energies Σ Δη·Δμ over the 513 states.
        // float64 reference values to 1e-6 relative; the notebook's float32 figures within 0.5%.
        const MixtureDenoiser q(paperToyMixture());
        const LinearLogSnr s;
        const double cases[][4] = {{1.0, 2.369085, 0.14767258, 0.14768565}, {0.0, 0.492287, 0.14043064, 0.14042854}, {-1.0, -2.354325, 0.15019532, 0.15019122}};
        for (const auto& c : cases) {
            const SpacetimePath path = integrateProbabilityFlow(q, s, Eigen::VectorXd::Constant(1, c[0]));
            QCOMPARE(path.x.rows(), 513);
            QVERIFY(std::abs(path.t[512] - 0.1) < 1e-12);
            QVERIFY2(std::abs(path.x(512, 0) - c[1]) < 2e-6, qPrintable(QString::number(path.x(512, 0), 'f', 7)));
            const SpacetimeEnergy e = spacetimeEnergy(q, s, path);
            QVERIFY2(std::abs(e.codeEnergy - c[2]) < 1e-6 * c[2], qPrintable(QString::number(e.codeEnergy, 'f', 9)));
            QVERIFY(std::abs(e.codeEnergy - c[3]) < 5e-3 * c[3]);
            QCOMPARE(e.negativeSegments, 0);
        }
    }
    void energyGradientMatchesFiniteDifferences() {
        // The analytic-η / central-difference-μ gradient against differences of the energy itself.
        const MixtureDenoiser q(paperToyMixture());
        const LinearLogSnr s;
        Eigen::MatrixXd z(6, 2);
        z << -2.0, 0.3, -1.0, 0.45, 0.2, 0.6, 0.9, 0.5, 1.6, 0.42, 2.0, 0.4;
        Eigen::MatrixXd g;
        spacetimeEnergyGradient(q, s, z, &g);
        for (int i = 0; i < 6; ++i)
            for (int k = 0; k < 2; ++k) {
                Eigen::MatrixXd up = z, down = z;
                up(i, k) += 1e-6;
                down(i, k) -= 1e-6;
                const double fd = (spacetimeEnergyGradient(q, s, up, nullptr) - spacetimeEnergyGradient(q, s, down, nullptr)) / 2e-6;
                QVERIFY2(std::abs(fd - g(i, k)) < 1e-4 * std::max(1.0, std::abs(fd)), qPrintable(QString("%1,%2: %3 vs %4").arg(i).arg(k).arg(fd).arg(g(i, k))));
            }
    }
    void figure1Geodesic() {
        // §14.3: (t, x) = (0.35, −2.3) → (0.40, 2.0), 2 nodes, 128 points, Adam 0.1 for 1 000 steps:
        // Σ Δη·Δμ = 0.34587 on the geodesic, 1.99945 on the straight line; every segment positive.
        const MixtureDenoiser q(paperToyMixture());
        const LinearLogSnr s;
        Eigen::VectorXd a(2), b(2);
        a << -2.3, 0.35;
        b << 2.0, 0.40;
        SpacetimeBvpOptions o;
        o.nodes = 2;
        o.points = 128;
        o.optimizer = SpacetimeBvpOptions::Optimizer::Adam;
        o.window = 100;
        o.tolerance = 1e-7;
        o.maxSteps = 0;
        QVERIFY(std::abs(solveSpacetimeBvp(q, s, a, b, o).energy.codeEnergy - 1.99945) < 1e-5);
        o.maxSteps = 1000;
        const SpacetimeBvpResult r = solveSpacetimeBvp(q, s, a, b, o);
        qInfo("figure 1 geodesic: energy %.5f, length %.3f, %d steps", r.energy.codeEnergy, r.energy.length, r.steps);
        QVERIFY(r.energy.codeEnergy < 0.34587 * 1.001);
        QCOMPARE(r.energy.negativeSegments, 0);
        QVERIFY(r.path.t.maxCoeff() > 0.5);  // it rises through noise (the reference: t = 0.5567)
        // The default optimiser (L-BFGS) finds the same curve.
        o.optimizer = SpacetimeBvpOptions::Optimizer::Lbfgs;
        o.window = 10;
        o.tolerance = 1e-6;
        const SpacetimeBvpResult l = solveSpacetimeBvp(q, s, a, b, o);
        qInfo("figure 1 by L-BFGS: energy %.6f in %d steps", l.energy.codeEnergy, l.steps);
        QVERIFY(l.energy.codeEnergy < 0.34587 * 1.001);
        QVERIFY((l.path.x - r.path.x).cwiseAbs().maxCoeff() < 1e-2 && (l.path.t - r.path.t).cwiseAbs().maxCoeff() < 1e-3);
    }
    void geodesicsBetweenProbabilityFlowEnds() {
        // §14.4: between the PF-ODE's ends (1, x_T) and (0.1, x_0.1), 10 nodes, 512 points. The
        // reference reaches 0.09895, 0.08639, 0.10197; the issue asks for these within 1% or lower.
        const MixtureDenoiser q(paperToyMixture());
        const LinearLogSnr s;
        const double cases[][2] = {{1.0, 0.09895340}, {0.0, 0.08639110}, {-1.0, 0.10196736}};
        for (const auto& c : cases) {
            const SpacetimePath pf = integrateProbabilityFlow(q, s, Eigen::VectorXd::Constant(1, c[0]));
            Eigen::VectorXd a(2), b(2);
            a << c[0], 1.0;
            b << pf.x(512, 0), 0.1;
            const SpacetimeBvpResult r = solveSpacetimeBvp(q, s, a, b);
            qInfo("x_T = %g: geodesic energy %.8f (reference %.8f), length %.3f, %d steps", c[0], r.energy.codeEnergy, c[1], r.energy.length, r.steps);
            QVERIFY(r.energy.codeEnergy <= 1.01 * c[1]);
            QCOMPARE(r.energy.negativeSegments, 0);
        }
    }
    void hutchinsonAgreesWithTheExactDivergence() {
        // 2-D mixture (figure 1's shape: correlated components, so the Jacobian has off-diagonal terms
        // and single probes are noisy). In 1-D a Rademacher probe is exact up to the difference step.
        auto v2 = [](double a, double b) { return (Eigen::VectorXd(2) << a, b).finished(); };
        auto c2 = [](double a, double b, double c) { return (Eigen::MatrixXd(2, 2) << a, b, b, c).finished(); };
        auto q2 = std::make_shared<MixtureDenoiser>(std::make_shared<GaussianMixture>(
            std::vector<double>{0.5, 0.3, 0.2}, std::vector<Eigen::VectorXd>{v2(-1.5, 0), v2(1.5, 0.3), v2(0, 1.2)},
            std::vector<Eigen::MatrixXd>{c2(0.3, 0.1, 0.2), c2(0.4, -0.15, 0.3), c2(0.2, 0, 0.5)}));
        Points x(3, 2);
        x << -0.4, 0.5, 1.0, -0.2, 0.1, 1.4;
        const Eigen::VectorXd a = Eigen::VectorXd::Constant(3, 0.8), s = Eigen::VectorXd::Constant(3, 0.6);
        const PosteriorMoments exact = q2->moments(x, a, s);
        // Many probes: the estimate's mean converges to the exact divergence; tolerance 4 standard errors
        // of the single-probe spread.
        const int probes = 4000;
        HutchinsonDenoiser one(q2, 1, 0);
        Eigen::MatrixXd draws(probes, 3);
        for (int j = 0; j < probes; ++j) {
            one.reseed(j);
            draws.row(j) = one.moments(x, a, s).divergence.transpose();
        }
        for (int i = 0; i < 3; ++i) {
            const double mean = draws.col(i).mean(), sd = std::sqrt((draws.col(i).array() - mean).square().sum() / (probes - 1));
            QVERIFY2(std::abs(mean - exact.divergence[i]) < 4 * sd / std::sqrt(probes) + 1e-6,
                     qPrintable(QString("%1 vs %2 (sd %3)").arg(mean).arg(exact.divergence[i]).arg(sd)));
            QVERIFY(sd > 0);  // off-diagonal Jacobian terms make single probes noisy here
        }
        // The Tweedie second moment from the estimated divergence equals the exact one when the
        // divergence is exact: check through the 1-D toy, where one probe is exact.
        const MixtureDenoiser q1(paperToyMixture());
        const HutchinsonDenoiser h1(std::make_shared<MixtureDenoiser>(paperToyMixture()), 1, 7, 1e-5);
        const SpacetimePath p = points({{0.35, -2.3}, {0.5, 0.0}, {0.7, 0.3}});
        const ExponentialCoordinates e = exponentialCoordinates(q1, LinearLogSnr(), p), h = exponentialCoordinates(h1, LinearLogSnr(), p);
        QVERIFY2((e.mu - h.mu).cwiseAbs().maxCoeff() < 1e-6, qPrintable(QString::number((e.mu - h.mu).cwiseAbs().maxCoeff())));
    }
};

QTEST_APPLESS_MAIN(TestSpacetime)
#include "test_spacetime.moc"
