// The density IVP: shooting from A along a solved BVP's initial direction arrives at B; a density of
// y alone conserves Snell's invariant; chords through a Gaussian's mean stay straight.
#include <QtTest>
#include <cmath>

#include "common/errors.h"
#include "curve/polyline.h"
#include "field/gaussian_mixture.h"
#include "solver/density_bvp.h"
#include "solver/density_ivp.h"

using namespace geo;

namespace {

// log p = +c y²/2: p depends on y alone and grows away from the axis, so geodesics (which curve away
// from increasing density) are bent back towards y = 0 and oscillate about it. Not normalisable; the
// geodesic equation needs only the score.
struct LayeredField : Field {
    double c = 1.5;
    int dim() const override { return 2; }
    std::string describe() const override { return "layered"; }
    Box bounds() const override { return {Eigen::Vector2d(-3, -3), Eigen::Vector2d(3, 3)}; }
    bool hasLogDensity() const override { return true; }
    void evaluate(const Points& x, Eigen::VectorXd* lp, Points* s) const override {
        if (lp) *lp = 0.5 * c * x.col(1).array().square();
        if (s) {
            s->resize(x.rows(), 2);
            s->col(0).setZero();
            s->col(1) = c * x.col(1);
        }
    }
};

Eigen::Matrix2d iso(double v) { return Eigen::Matrix2d::Identity() * v; }

}  // namespace

class TestDensityIvp : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void shootingAlongTheBvpDirectionArrivesAtB_data() {
        QTest::addColumn<int>("which");
        QTest::newRow("two broad modes") << 0;
        QTest::newRow("three modes") << 1;
        QTest::newRow("anisotropic") << 2;
    }
    void shootingAlongTheBvpDirectionArrivesAtB() {
        // Broad mixtures: along a dense ridge of width σ the metric p⁻²I has negative curvature
        // K = −p²Δ(−log p), so nearby geodesics part like exp(s/σ); on the narrow ridges of the
        // presets (σ ≈ 0.25 over length 6, a factor e²⁴) no initial direction known to 1e-6 could
        // be shot to B. Here σ ≥ 0.8 keeps that factor below ~e⁵, so the BVP's direction (error
        // ~1e-4 from 128 points) lands within 2% of the path's length.
        QFETCH(int, which);
        std::vector<GaussianMixture> fields = {
            GaussianMixture({0.6, 0.4}, {Eigen::Vector2d(0, 0), Eigen::Vector2d(1.5, 1)}, {iso(1.0), iso(0.8)}),
            GaussianMixture({1, 1, 1}, {Eigen::Vector2d(-1, 0), Eigen::Vector2d(1, 0.5), Eigen::Vector2d(0, 2)},
                            {iso(0.9), iso(0.9), iso(1.2)}),
            GaussianMixture({1}, {Eigen::Vector2d(0, 0)}, {(Eigen::Matrix2d() << 2, 0.6, 0.6, 0.8).finished()}),
        };
        const Eigen::Vector2d a[] = {{-1.5, 0.8}, {-2, -1}, {-2, 0.6}}, b[] = {{2.0, -0.5}, {2, 1.5}, {2, 0.9}};
        const GaussianMixture& f = fields[which];
        const BvpResult bvp = solveDensityBvp(f, a[which], b[which]);
        const double length = euclideanLength(bvp.path);
        const Points shot = shootDensityGeodesic(f, a[which], initialDirection(bvp.path), length, 1000);
        const double miss = (shot.row(1000).transpose() - b[which]).norm();
        qInfo("miss %.3g over length %.3g", miss, length);
        QVERIFY(miss < 0.02 * length);
        // And the shot path follows the BVP path all along, not just at the end.
        const Points resampled = resampleByArcLength(shot, bvp.path.rows());
        QVERIFY((resampled - bvp.path).rowwise().norm().maxCoeff() < 0.02 * length);
    }
    void snellInvariantIsConserved() {
        // Reference §2.9: for p = f(y), w(γ)·γ̇ₓ/|γ̇| is constant along a geodesic. RK4 with 1000
        // steps of 0.004 errs by O(h⁴) ≈ 1e-10 per unit; 1e-7 relative is a loose bound.
        LayeredField f;
        const Points path = shootDensityGeodesic(f, Eigen::Vector2d(-2, 0.3), Eigen::Vector2d(1, 0.6), 6, 1000);
        const Eigen::VectorXd lp = f.logDensity(path);
        auto invariant = [&](Eigen::Index i) {
            const Eigen::Vector2d v = (path.row(i + 1) - path.row(i - 1)).transpose();
            return std::exp(-lp[i]) * v[0] / v.norm();
        };
        const double first = invariant(1);
        double worst = 0;
        for (Eigen::Index i = 1; i + 1 < path.rows(); ++i) worst = std::max(worst, std::abs(invariant(i) / first - 1));
        // The central difference's direction errs by ~h²κ²/6 ≈ 1e-6 relative; RK4's own error is smaller.
        QVERIFY2(worst < 1e-5, qPrintable(QString::number(worst)));
        // The path turned back towards the axis: it crossed y = 0.
        QVERIFY(path.col(1).minCoeff() < -0.1);
    }
    void chordThroughTheMeanStaysStraight() {
        GaussianMixture g({1}, {Eigen::Vector2d(0.5, 0.5)}, {iso(0.7)});
        const Points path = shootDensityGeodesic(g, Eigen::Vector2d(-1, -1), Eigen::Vector2d(1, 1), 4, 400);
        for (Eigen::Index i = 0; i < path.rows(); ++i) QVERIFY(std::abs(path(i, 0) - path(i, 1)) < 1e-12);
    }
    void rk4ConvergesAtFourthOrder() {
        GaussianMixture g({1, 1}, {Eigen::Vector2d(0, 0), Eigen::Vector2d(2, 1)}, {iso(1), iso(0.6)});
        auto end = [&](int steps) {
            return Eigen::Vector2d(shootDensityGeodesic(g, Eigen::Vector2d(-1, 0), Eigen::Vector2d(1, 0.2), 3, steps).row(steps).transpose());
        };
        const double e1 = (end(50) - end(800)).norm(), e2 = (end(100) - end(800)).norm();
        QVERIFY2(e1 / e2 > 12 && e1 / e2 < 20, qPrintable(QString::number(e1 / e2)));  // 2⁴ = 16
    }
    void badInputIsRejected() {
        GaussianMixture g({1}, {Eigen::Vector2d(0, 0)}, {iso(1)});
        const Eigen::Vector2d x(0, 0), v(1, 0);
        QVERIFY_THROWS_EXCEPTION(InputError, shootDensityGeodesic(g, x, Eigen::Vector2d(0, 0), 1, 10));
        QVERIFY_THROWS_EXCEPTION(InputError, shootDensityGeodesic(g, x, v, -1, 10));
        QVERIFY_THROWS_EXCEPTION(InputError, shootDensityGeodesic(g, x, v, 1, 0));
        QVERIFY_THROWS_EXCEPTION(InputError, shootDensityGeodesic(g, Eigen::Vector3d(0, 0, 0), Eigen::Vector3d(1, 0, 0), 1, 10));
    }
};

QTEST_APPLESS_MAIN(TestDensityIvp)
#include "test_density_ivp.moc"
