// The Fréchet distance against identities that hold exactly for any sample: a shift by c costs |c|²
// (equal covariances cancel), scaling by k costs (k − 1)²(|μ|² + tr Σ) (Σ^½ k²Σ Σ^½ has root kΣ), and
// in one dimension it is (m₁ − m₂)² + (s₁ − s₂)². None of these uses the matrix square root the code
// computes, so they check it. Tolerances: round-off of 1 000 × 16 sums and two eigen-solves.
#include <QtTest>
#include <random>

#include "common/errors.h"
#include "measures/frechet_distance.h"

using namespace geo;

namespace {

FeatureMatrix correlatedSamples(int n, int d, unsigned seed) {
    std::mt19937_64 rng(seed);
    std::normal_distribution<double> normal;
    FeatureMatrix mix(d, d), x(n, d);
    for (int i = 0; i < mix.size(); ++i) mix.data()[i] = normal(rng);
    for (int i = 0; i < x.size(); ++i) x.data()[i] = normal(rng);
    return (x * mix).rowwise() + Eigen::RowVectorXd::LinSpaced(d, -1, 2);
}

}  // namespace

class TestFrechetDistance : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void identities() {
        const FeatureMatrix a = correlatedSamples(1000, 16, 1);
        QVERIFY(std::abs(frechetDistance(a, a)) < 1e-6);
        const Eigen::RowVectorXd c = Eigen::RowVectorXd::LinSpaced(16, 0.5, -0.25);
        const FeatureMatrix shifted = a.rowwise() + c;
        QVERIFY(std::abs(frechetDistance(a, shifted) - c.squaredNorm()) < 1e-6 * c.squaredNorm() + 1e-6);
        const Eigen::RowVectorXd mean = a.colwise().mean();
        const FeatureMatrix centred = a.rowwise() - mean;
        const double traceCov = centred.squaredNorm() / (a.rows() - 1);
        const double expected = 4.0 * (mean.squaredNorm() + traceCov);  // k = 3
        QVERIFY(std::abs(frechetDistance(a, 3 * a) - expected) < 1e-8 * expected);
    }
    void oneDimension() {
        const FeatureMatrix a = correlatedSamples(500, 1, 2), b = correlatedSamples(700, 1, 3) * 0.5;
        auto meanSd = [](const FeatureMatrix& x) {
            const double m = x.mean();
            return std::pair{m, std::sqrt((x.array() - m).square().sum() / (x.rows() - 1))};
        };
        const auto [ma, sa] = meanSd(a);
        const auto [mb, sb] = meanSd(b);
        QVERIFY(std::abs(frechetDistance(a, b) - ((ma - mb) * (ma - mb) + (sa - sb) * (sa - sb))) < 1e-9);
    }
    void symmetricAndBadInput() {
        const FeatureMatrix a = correlatedSamples(300, 8, 4), b = correlatedSamples(400, 8, 5);
        QVERIFY(std::abs(frechetDistance(a, b) - frechetDistance(b, a)) < 1e-8 * frechetDistance(a, b));
        QVERIFY_THROWS_EXCEPTION(InputError, frechetDistance(a.topRows(1), b));
        QVERIFY_THROWS_EXCEPTION(InputError, frechetDistance(a, correlatedSamples(10, 4, 6)));
    }
};

QTEST_APPLESS_MAIN(TestFrechetDistance)
#include "test_frechet_distance.moc"
