// The torch-free halves of the video analysis and the sequence metrics, against exact facts.
//
// Paths: a Gaussian N(m, σ² I) in D = 64 has the straight lines through its mean as geodesics (the
// score −(x − m)/σ² is parallel to the velocity, §2.9), so frames equally spaced on such a line have
// residual 0 but for the difference between the path's piecewise slerp and the line. With m far from
// the origin (|m| = 40, frames 2σ either side) consecutive frames are 0.3° apart and that difference
// is of order 10⁻⁵; we allow a mean |r| of 10⁻³ against |s| of order 1. Perturbations must raise it monotonically, and
// the §7 optimisation started from a perturbed path must lower it.
//
// Metrics: hand-computed values on sequences of three to five numbers.
#include <QtTest>
#include <cmath>

#include "field/gaussian_mixture.h"
#include "measures/sequence_metrics.h"
#include "video/frame_path.h"

using namespace geo;

namespace {

constexpr int kDim = 64;

std::shared_ptr<const Field> gaussian(const Eigen::VectorXd& mean) {
    return std::make_shared<GaussianMixture>(std::vector<double>{1.0}, std::vector<Eigen::VectorXd>{mean},
                                             std::vector<Eigen::MatrixXd>{Eigen::MatrixXd::Identity(kDim, kDim)});
}

Points lineThrough(const Eigen::VectorXd& m, int frames) {
    Points x(frames, kDim);
    Eigen::VectorXd u = Eigen::VectorXd::Zero(kDim);
    u[1] = 1;
    for (int i = 0; i < frames; ++i) x.row(i) = (m + (-2 + 4.0 * i / (frames - 1)) * u).transpose();
    return x;
}

RgbImage flat(uint8_t v) { return {4, 4, std::vector<uint8_t>(48, v)}; }

}  // namespace

class TestSequenceAnalysis : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void geodesicHasNoResidualAndPerturbationsRaiseIt() {
        Eigen::VectorXd m = Eigen::VectorXd::Zero(kDim);
        m[0] = 40;
        const FieldPathScore score(gaussian(m));
        const Points line = lineThrough(m, 16);
        // |r| itself, not the ratio |r|/(|term1| + |term2|): on the line term2 is exactly 0 (collinear
        // knots), so the ratio is 1 for any term1, however small; |r| is measured against |s| ≈ 1 here.
        const auto ratioOf = [&](const Points& x) { return frameTerms(x, score.score(x, frameTimes(16), 0, {}), 1.0, false).meanResidual; };
        const double exact = ratioOf(line);
        qInfo("mean |r| on the geodesic %.2e (|s| up to 2)", exact);
        QVERIFY(exact < 1e-3);
        double previous = exact;
        for (double size : {0.25, 0.5, 1.0}) {
            const double r = ratioOf(perturbFrames(line, size, 3, 0));
            qInfo("perturbed by %.2f mean steps: mean |r| %.4f", size, r);
            QVERIFY(r > previous);
            previous = r;
        }
        // The perturbation keeps the ends and has the stated norm.
        const Points p = perturbFrames(line, 0.5, 3, 0);
        QCOMPARE(p.row(0), line.row(0));
        QCOMPARE(p.row(15), line.row(15));
        QVERIFY(std::abs((p.row(7) - line.row(7)).norm() - 0.5 * meanStep(line)) < 1e-9);
    }

    void optimisationLowersTheResidualOfAPerturbedPath() {
        Eigen::VectorXd m = Eigen::VectorXd::Zero(kDim);
        m[0] = 40;
        const FieldPathScore score(gaussian(m));
        const Points start = perturbFrames(lineThrough(m, 16), 0.5, 5, 0);
        FramePathOptions o;
        o.alpha = 1;
        o.sphere = false;
        o.iterations = 300;
        o.stopFactor = 0;
        const FramePathResult r = optimiseFramePath(score, start, o);
        const auto terms = [&](const Points& x) { return frameTerms(x, score.score(x, frameTimes(16), 0, {}), 1.0, false); };
        const FrameTerms before = terms(start), after = terms(r.frames);
        qInfo("mean |r|: %.4f before, %.4f after %d iterations", before.meanResidual, after.meanResidual, r.iterations);
        QVERIFY(after.meanResidual < 0.5 * before.meanResidual);
        QCOMPARE(r.frames.row(0), start.row(0));  // the ends stay
        // The §7 rule stops the run at the first iteration where it holds once minIterations are done.
        o.stopFactor = 1e-9;  // holds at once
        o.minIterations = 0;
        const FramePathResult stopped = optimiseFramePath(score, start, o);
        QVERIFY(stopped.stoppedByRule);
        QCOMPARE(stopped.iterations, 1);
        QCOMPARE(stopped.ruleFirstHeld, 1);
        QCOMPARE(stopped.frames, start);  // the step of the stopping iteration is not taken
    }

    void anglesAndLogDensityAreExact() {
        // On the line through the mean: log p̃ relative to the first frame is −(|x − m|² − |x₀ − m|²)/2 exactly
        // (up to the trapezoid rule, exact for a quadratic's linear gradient along a line).
        Eigen::VectorXd m = Eigen::VectorXd::Zero(kDim);
        m[0] = 40;
        const FieldPathScore score(gaussian(m));
        const Points line = lineThrough(m, 9);
        const FrameTerms f = frameTerms(line, score.score(line, frameTimes(9), 0, {}), 1.0, false);
        for (int i = 0; i < 9; ++i) {
            const double expected = -0.5 * ((line.row(i).transpose() - m).squaredNorm() - (line.row(0).transpose() - m).squaredNorm());
            QVERIFY2(std::abs(f.logDensity[static_cast<size_t>(i)] - expected) < 1e-3, qPrintable(QString::number(i)));
        }
        QCOMPARE(static_cast<int>(f.angle.size()), 9);
    }

    void frameTimesAreUniformOnTheDyadicGrid() {
        const std::vector<double> t = frameTimes(16);
        QCOMPARE(t.front(), 0.0);
        QCOMPARE(t.back(), 1.0);
        for (int i = 0; i < 16; ++i) QVERIFY(std::abs(t[static_cast<size_t>(i)] - i / 15.0) < 3e-8);
        QVERIFY_THROWS_EXCEPTION(InputError, frameTimes(1));
    }

    void giniAndStepStatisticsByHand() {
        QCOMPARE(giniCoefficient({0.3, 0.3, 0.3, 0.3}), 0.0);  // equal steps
        QCOMPARE(giniCoefficient({0, 0, 0, 4}), 0.75);         // one holds all: (n − 1)/n
        // {1, 2, 3}: Σ|dᵢ − dⱼ| = 2(1 + 2 + 1) = 8; 2 n² mean = 2·9·2 = 36.
        QVERIFY(std::abs(giniCoefficient({1, 2, 3}) - 8.0 / 36) < 1e-15);
        QCOMPARE(giniCoefficient({}), 0.0);
        const StepStatistics s = stepStatistics("test", {1, 2, 3, 2});
        QCOMPARE(s.sum, 8.0);
        QCOMPARE(s.epsilon, 0.25);        // 5 frames: t steps of 1/4
        QCOMPARE(s.scaledMean, 2.0 / 0.0625);
        QCOMPARE(s.variance, 0.5);        // mean 2: (1 + 0 + 1 + 0)/4
        QCOMPARE(s.standardDeviation, std::sqrt(0.5));
        // Σ|dᵢ − dⱼ| over {1,2,3,2} = 2(1+2+1+1+0+1) = 12; 2·16·2 = 64.
        QVERIFY(std::abs(s.smoothness - (1 - 12.0 / 64)) < 1e-15);
        QVERIFY_THROWS_EXCEPTION(InputError, stepStatistics("test", {}));
        QVERIFY_THROWS_EXCEPTION(InputError, stepStatistics("test", {1, NAN}));
    }

    void imageStepsByHand() {
        // Frames 0, 51, 51, 255: pixel RMS steps 0.2, 0, 0.8 on the [0, 1] scale.
        const std::vector<double> d = pixelSteps({flat(0), flat(51), flat(51), flat(255)});
        QCOMPARE(static_cast<int>(d.size()), 3);
        QVERIFY(std::abs(d[0] - 0.2) < 1e-12 && d[1] == 0 && std::abs(d[2] - 0.8) < 1e-12);
        RgbImage big{64, 64, std::vector<uint8_t>(64 * 64 * 3, 100)};
        const std::vector<double> s = ssimSteps({big, big});
        QVERIFY(s[0] >= 0 && s[0] < 1e-12);  // identical frames: 1 − SSIM = 0, never negative
        QVERIFY_THROWS_EXCEPTION(InputError, pixelRmsDistance(flat(0), RgbImage{2, 2, std::vector<uint8_t>(12, 0)}));
    }
};

QTEST_GUILESS_MAIN(TestSequenceAnalysis)
#include "test_sequence_analysis.moc"
