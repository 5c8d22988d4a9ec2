// Fields: exact scores against finite differences, normalisation against independent quadrature,
// path length and density against the closed forms of a 1-D normal, and every kind of bad JSON.
#include <QTemporaryDir>
#include <QtTest>
#include <cmath>
#include <fstream>
#include <nlohmann/json.hpp>
#include <numbers>

#include "common/errors.h"
#include "curve/polyline.h"
#include "measures/path_diagnostics.h"
#include "field/field_json.h"
#include "field/gaussian_mixture.h"
#include "field/muller_brown.h"
#include "toy/presets.h"

using namespace geo;

namespace {

// Central differences of log p: truncation error ~ h²·|∂³log p| ≈ 1e-10 and round-off
// ~ 1e-16·|log p|/h ≈ 1e-11, so 1e-6 relative leaves a wide margin.
void checkScoreByFiniteDifferences(const Field& f, const Points& x) {
    const Points s = f.score(x);
    const double h = 1e-5;
    for (Eigen::Index n = 0; n < x.rows(); ++n)
        for (int d = 0; d < f.dim(); ++d) {
            Points xp = x.row(n), xm = x.row(n);
            xp(0, d) += h;
            xm(0, d) -= h;
            const double fd = (f.logDensity(xp)[0] - f.logDensity(xm)[0]) / (2 * h);
            QVERIFY2(std::abs(fd - s(n, d)) <= 1e-6 * std::max(1.0, std::abs(fd)),
                     qPrintable(QString("point %1 coordinate %2: score %3, finite difference %4")
                                    .arg(n).arg(d).arg(s(n, d)).arg(fd)));
        }
}

Points randomPoints(int n, int d, double spread, unsigned seed) {
    std::srand(seed);
    return Points::Random(n, d) * spread;
}

double integrate2d(const Field& f, double x0, double x1, double y0, double y1, int n) {
    // Midpoint rule (not the Simpson rule the Müller–Brown normaliser uses), on another box.
    const double hx = (x1 - x0) / n, hy = (y1 - y0) / n;
    Points p(static_cast<Eigen::Index>(n) * n, 2);
    for (int i = 0; i < n; ++i)
        for (int j = 0; j < n; ++j) p.row(i * n + j) << x0 + (i + 0.5) * hx, y0 + (j + 0.5) * hy;
    return f.logDensity(p).array().exp().sum() * hx * hy;
}

std::string writeTemp(const QTemporaryDir& dir, const std::string& name, const std::string& text) {
    const std::string path = dir.filePath(QString::fromStdString(name)).toStdString();
    std::ofstream(path) << text;
    return path;
}

}  // namespace

class TestFields : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void mixtureScoreMatchesFiniteDifferences2d() {
        const ToyScene s = preset("two-routes");
        checkScoreByFiniteDifferences(*s.field, randomPoints(40, 2, 3, 1));
    }
    void mixtureScoreMatchesFiniteDifferences5d() {
        std::vector<Eigen::VectorXd> means;
        std::vector<Eigen::MatrixXd> covs;
        std::srand(7);
        for (int k = 0; k < 3; ++k) {
            means.push_back(Eigen::VectorXd::Random(5));
            const Eigen::MatrixXd a = Eigen::MatrixXd::Random(5, 5);
            covs.push_back(a * a.transpose() + 0.3 * Eigen::MatrixXd::Identity(5, 5));
        }
        GaussianMixture g({1, 2, 3}, means, covs);
        checkScoreByFiniteDifferences(g, randomPoints(20, 5, 1.5, 2));
    }
    void mullerBrownScoreMatchesFiniteDifferences() {
        MullerBrown mb(20);
        Points x = randomPoints(30, 2, 1, 3);
        x.col(1).array() += 0.8;
        checkScoreByFiniteDifferences(mb, x);
    }
    void densitiesIntegrateToOne() {
        // 1e-3: the midpoint rule on 800² cells of width < 0.01 errs by ~1e-5; the box holds > 1 − 1e-6.
        QVERIFY(std::abs(integrate2d(*preset("figure1").field, -5, 5, -4, 5, 800) - 1) < 1e-3);
        QVERIFY(std::abs(integrate2d(MullerBrown(20), -2.2, 1.8, -1.2, 2.8, 800) - 1) < 1e-3);
        QVERIFY(std::abs(integrate2d(MullerBrown(8), -2.2, 1.8, -1.2, 2.8, 800) - 1) < 1e-3);
    }
    void weightsAreNormalised() {
        GaussianMixture g({2, 6}, {Eigen::VectorXd::Zero(1), Eigen::VectorXd::Ones(1)},
                          {Eigen::MatrixXd::Identity(1, 1), Eigen::MatrixXd::Identity(1, 1)});
        QCOMPARE(g.weights()[0], 0.25);
        QCOMPARE(g.weights()[1], 0.75);
    }
    void lengthAndDensityOfStandardNormal() {
        // Reference §2.9: d(0, 1) = √(2π)∫₀¹ e^{x²/2} dx = 2.99531, d(−1, 2) = 14.84893, and
        // log p̃ from 0 to 1 is −0.5. 400 segments make the quadrature exact to ~1e-9.
        GaussianMixture n({1}, {Eigen::VectorXd::Zero(1)}, {Eigen::MatrixXd::Identity(1, 1)});
        const Points p01 = straightLine(Eigen::VectorXd::Zero(1), Eigen::VectorXd::Ones(1), 401);
        QVERIFY(std::abs(densityLength(n, p01) - 2.99531) < 1e-5);
        const Points p12 = straightLine(Eigen::VectorXd::Constant(1, -1), Eigen::VectorXd::Constant(1, 2), 401);
        QVERIFY(std::abs(densityLength(n, p12) - 14.84893) < 1e-5);
        // The trapezoid rule is exact for the linear score −x.
        const Eigen::VectorXd lp = lineIntegralLogDensity(p01, n.score(p01), 0);
        QVERIFY(std::abs(lp[400] + 0.5) < 1e-12);
        const PathReport r = analysePath(n, p01);
        QVERIFY(std::abs(r.logDensityLineIntegral[400] - r.logDensity[400]) < 1e-12);
    }
    void presetsAreValid() {
        QVERIFY(presetNames().size() >= 5);
        for (const auto& name : presetNames()) {
            const ToyScene s = preset(name);
            QCOMPARE(s.field->dim(), 2);
            QVERIFY(s.from != s.to);
            QVERIFY(s.field->logDensity(Points(s.from.transpose()))[0] > -50);
        }
        QVERIFY_THROWS_EXCEPTION(InputError, preset("nope"));
    }
    void jsonRoundTrip() {
        const auto g = std::dynamic_pointer_cast<const GaussianMixture>(preset("ring").field);
        QVERIFY(g);
        const auto back = parseField(mixtureToJson(*g));
        const Points x = randomPoints(10, 2, 2, 4);
        QVERIFY((back->logDensity(x) - g->logDensity(x)).cwiseAbs().maxCoeff() < 1e-12);
    }
    void badJsonIsRejectedWithItsReason_data() {
        QTest::addColumn<QString>("text");
        QTest::addColumn<QString>("expected");
        const QString ok1 = R"("weights": [1], "means": [[0, 0]])";
        QTest::newRow("malformed") << "{\"type\": \"gmm\", " << "malformed JSON";
        QTest::newRow("not an object") << "[1, 2]" << "must be a JSON object";
        QTest::newRow("unknown type") << R"({"type": "cauchy"})" << "unknown field type";
        QTest::newRow("missing key") << R"({"type": "gmm", "weights": [1]})" << "missing key \"means\"";
        QTest::newRow("lengths differ") << R"({"type": "gmm", "weights": [1, 1], "means": [[0, 0]], "covariances": [[[1, 0], [0, 1]]]})" << "same length";
        QTest::newRow("negative weight") << R"({"type": "gmm", "weights": [-1], "means": [[0, 0]], "covariances": [[[1, 0], [0, 1]]]})" << "negative";
        QTest::newRow("weight not a number") << R"({"type": "gmm", "weights": ["NaN"], "means": [[0, 0]], "covariances": [[[1, 0], [0, 1]]]})" << "weights[0] must be a number";
        QTest::newRow("NaN literal") << R"({"type": "gmm", "weights": [NaN], "means": [[0, 0]], "covariances": [[[1, 0], [0, 1]]]})" << "malformed JSON";
        QTest::newRow("overflowing mean") << R"({"type": "gmm", "weights": [1], "means": [[0, 1e999]], "covariances": [[[1, 0], [0, 1]]]})" << "number overflow";
        QTest::newRow("mean dimension") << R"({"type": "gmm", "weights": [1, 1], "means": [[0, 0], [0]], "covariances": [[[1, 0], [0, 1]], [[1]]]})" << "mean of component 1";
        QTest::newRow("covariance shape") << "{\"type\": \"gmm\", " + ok1 + R"(, "covariances": [[[1, 0, 0], [0, 1, 0]]]})" << "is 2x3, expected 2x2";
        QTest::newRow("ragged covariance") << "{\"type\": \"gmm\", " + ok1 + R"(, "covariances": [[[1, 0], [0]]]})" << "rows of different lengths";
        QTest::newRow("not symmetric") << "{\"type\": \"gmm\", " + ok1 + R"(, "covariances": [[[1, 0.5], [0, 1]]]})" << "not symmetric";
        QTest::newRow("not positive definite") << "{\"type\": \"gmm\", " + ok1 + R"(, "covariances": [[[1, 2], [2, 1]]]})" << "not positive definite";
        QTest::newRow("zero weights") << R"({"type": "gmm", "weights": [0], "means": [[0, 0]], "covariances": [[[1, 0], [0, 1]]]})" << "must not all be zero";
        QTest::newRow("bad temperature") << R"({"type": "muller_brown", "temperature": -3})" << "temperature";
    }
    void badJsonIsRejectedWithItsReason() {
        QFETCH(QString, text);
        QFETCH(QString, expected);
        QTemporaryDir dir;
        const std::string path = writeTemp(dir, "field.json", text.toStdString());
        try {
            loadFieldFile(path);
            QFAIL("no error");
        } catch (const InputError& e) {
            const QString msg = e.what();
            QVERIFY2(msg.contains(expected) && msg.contains("field.json"), qPrintable(msg));
        }
    }
    void missingFileIsAnError() { QVERIFY_THROWS_EXCEPTION(InputError, loadFieldFile("/nonexistent/field.json")); }
    void toySceneNeeds2d() {
        QTemporaryDir dir;
        const std::string path = writeTemp(dir, "f3.json", R"({"type": "gmm", "weights": [1], "means": [[0, 0, 0]], "covariances": [[[1, 0, 0], [0, 1, 0], [0, 0, 1]]]})");
        QVERIFY_THROWS_EXCEPTION(InputError, sceneFromFile(path));
        const std::string ok = writeTemp(dir, "f2.json", R"({"type": "gmm", "weights": [1], "means": [[0, 0]], "covariances": [[[1, 0], [0, 1]]], "from": [-1, 0], "to": [1, 0.5]})");
        const ToyScene s = sceneFromFile(ok);
        QCOMPARE(s.from, Eigen::Vector2d(-1, 0));
        QCOMPARE(s.to, Eigen::Vector2d(1, 0.5));
    }
};

QTEST_APPLESS_MAIN(TestFields)
#include "test_fields.moc"
