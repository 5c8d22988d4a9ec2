// The latent-space density solvers (curve/dyadic_slerp_path, solver/latent_bvp, solver/latent_ivp)
// against exact facts and an independent oracle written here.
//
// The field is an isotropic Gaussian mixture in D = 1 024 whose score and density this file computes
// itself in closed form. Its means lie in one affine plane, so by symmetry the geodesic lies in that
// plane; the oracle solves the 2-D problem there by coordinate descent (every interior point of a
// 129-point polyline moved along its normal to the golden-section minimum of its two segments'
// length), and lengths on both sides are measured by this file's own Simpson quadrature with the exact
// density. Tolerance 2%: our path is piecewise slerp through 15 control points, the oracle's a
// polyline of 128 segments; both discretisations change the length by well under 1% here.
#include <QtTest>
#include <atomic>
#include <cmath>
#include <thread>

#include <Eigen/Dense>

#include "curve/dyadic_slerp_path.h"
#include "pipeline/retiming.h"
#include "solver/latent_bvp.h"
#include "solver/latent_ivp.h"

using namespace geo;

namespace {

constexpr int kDim = 1024;

// Σ_k w_k N(μ_k, s² I), with the means at offset·e3 + (a, b) in the (e1, e2) plane.
class IsotropicMixture final : public Field {
public:
    IsotropicMixture(std::vector<Eigen::Vector2d> planar, std::vector<double> w, double var, double offset) : w_(std::move(w)), var_(var) {
        for (const auto& p : planar) means_.push_back(lift(p, offset));
    }
    static Eigen::VectorXd lift(const Eigen::Vector2d& p, double offset) {
        Eigen::VectorXd x = Eigen::VectorXd::Zero(kDim);
        x[0] = p[0], x[1] = p[1], x[2] = offset;
        return x;
    }
    int dim() const override { return kDim; }
    std::string describe() const override { return "isotropic mixture"; }
    Box bounds() const override { return {Eigen::VectorXd::Constant(kDim, -5), Eigen::VectorXd::Constant(kDim, 5)}; }
    bool hasLogDensity() const override { return true; }
    void evaluate(const Points& x, Eigen::VectorXd* logp, Points* score) const override {
        if (logp) logp->resize(x.rows());
        if (score) score->resize(x.rows(), x.cols());
        for (Eigen::Index i = 0; i < x.rows(); ++i) {
            std::vector<double> l;
            double best = -INFINITY;
            for (size_t k = 0; k < means_.size(); ++k) {
                l.push_back(std::log(w_[k]) - 0.5 * (x.row(i).transpose() - means_[k]).squaredNorm() / var_ - 0.5 * kDim * std::log(2 * M_PI * var_));
                best = std::max(best, l.back());
            }
            double z = 0;
            for (double v : l) z += std::exp(v - best);
            if (logp) (*logp)[i] = best + std::log(z);
            if (score) {
                Eigen::VectorXd s = Eigen::VectorXd::Zero(kDim);
                for (size_t k = 0; k < means_.size(); ++k) s += std::exp(l[k] - best) / z * (means_[k] - x.row(i).transpose()) / var_;
                score->row(i) = s.transpose();
            }
        }
    }

private:
    std::vector<Eigen::VectorXd> means_;
    std::vector<double> w_;
    double var_;
};

constexpr double kOffset = 10;
std::shared_ptr<IsotropicMixture> bridgeMixture() {
    // Two modes at the endpoints and a bridge above the chord: the geodesic bends up through it.
    return std::make_shared<IsotropicMixture>(std::vector<Eigen::Vector2d>{{-2, 0}, {2, 0}, {0, 1.2}}, std::vector<double>{1, 1, 0.6}, 0.5, kOffset);
}
const Eigen::VectorXd kA = IsotropicMixture::lift({-2, 0}, kOffset), kB = IsotropicMixture::lift({2, 0}, kOffset);

double segmentLength(const Field& f, const Eigen::VectorXd& a, const Eigen::VectorXd& b, const Eigen::VectorXd& anchor) {
    Points q(9, kDim);
    for (int k = 0; k <= 8; ++k) q.row(k) = (a + (b - a) * (k / 8.0)).transpose();
    const Eigen::VectorXd w = (-(f.logDensity(q).array() - f.logDensity(Points(anchor.transpose()))[0])).exp();
    double s = w[0] + w[8];
    for (int k = 1; k < 8; ++k) s += (k % 2 ? 4 : 2) * w[k];
    return (b - a).norm() * s / 24.0;
}

// ∫ |γ'| p(A)/p(γ) along a polyline.
double exactLength(const Field& f, const Points& p) {
    double s = 0;
    for (Eigen::Index i = 0; i + 1 < p.rows(); ++i) s += segmentLength(f, p.row(i).transpose(), p.row(i + 1).transpose(), kA);
    return s;
}

Points dense(const DyadicSlerpPath& path, int n) {
    std::vector<double> t;
    for (int i = 0; i < n; ++i) t.push_back(static_cast<double>(i) / (n - 1));
    return path.positions(t);
}

// The oracle, in the plane of the means (where the restricted density is the same mixture in 2-D, up
// to a constant): a polyline refined coarse to fine (5, 9, … 129 points), every interior point moved
// along its normal to the golden-section minimum of its two segments' length, 200 sweeps per size.
double planarLogDensity(const Eigen::Vector2d& q) {
    const Eigen::Vector2d m[3] = {{-2, 0}, {2, 0}, {0, 1.2}};
    const double w[3] = {1, 1, 0.6};
    double z = 0;
    for (int k = 0; k < 3; ++k) z += w[k] * std::exp(-0.5 * (q - m[k]).squaredNorm() / 0.5);
    return std::log(z);
}
double planarSegment(const Eigen::Vector2d& a, const Eigen::Vector2d& b) {
    const double ref = planarLogDensity({-2, 0});
    double s = 0;
    for (int k = 0; k <= 8; ++k) s += (k == 0 || k == 8 ? 1 : k % 2 ? 4 : 2) * std::exp(ref - planarLogDensity(a + (b - a) * (k / 8.0)));
    return (b - a).norm() * s / 24.0;
}
Points oracleGeodesic() {
    std::vector<Eigen::Vector2d> p{{-2, 0}, {-1, 0.05}, {0, 0.1}, {1, 0.05}, {2, 0}};
    const double g = (std::sqrt(5.0) - 1) / 2;
    while (true) {
        const int n = static_cast<int>(p.size());
        for (int sweep = 0; sweep < 200; ++sweep)
            for (int i = 1; i + 1 < n; ++i) {
                const Eigen::Vector2d chord = (p[i + 1] - p[i - 1]).normalized(), normal(-chord[1], chord[0]);
                const Eigen::Vector2d mid = 0.5 * (p[i - 1] + p[i + 1]);
                const double reach = (p[i + 1] - p[i - 1]).norm();
                const auto local = [&](double c) { return planarSegment(p[i - 1], mid + c * normal) + planarSegment(mid + c * normal, p[i + 1]); };
                double lo = -reach, hi = reach;
                double c = hi - g * (hi - lo), d = lo + g * (hi - lo), fc = local(c), fd = local(d);
                for (int k = 0; k < 50; ++k) {
                    if (fc < fd) hi = d, d = c, fd = fc, c = hi - g * (hi - lo), fc = local(c);
                    else lo = c, c = d, fc = fd, d = lo + g * (hi - lo), fd = local(d);
                }
                p[i] = mid + 0.5 * (lo + hi) * normal;
            }
        if (n >= 129) break;
        std::vector<Eigen::Vector2d> finer;
        for (int i = 0; i + 1 < n; ++i) finer.push_back(p[i]), finer.push_back(0.5 * (p[i] + p[i + 1]));
        finer.push_back(p.back());
        p = finer;
    }
    Points out(static_cast<Eigen::Index>(p.size()), kDim);
    for (size_t i = 0; i < p.size(); ++i) out.row(static_cast<Eigen::Index>(i)) = IsotropicMixture::lift(p[i], kOffset).transpose();
    return out;
}

LatentBvpOptions exactOptions(LatentBvpMethod method) {
    LatentBvpOptions o;
    o.method = method;
    o.alpha = 1;       // the score is exact: ∇log p = s
    o.sphere = false;  // the mixture is not concentrated on a sphere
    return o;
}

}  // namespace

class TestLatentBvp : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void slerpVelocityMatchesFiniteDifferences() {
        Eigen::VectorXd x0 = Eigen::VectorXd::LinSpaced(50, -1, 2), x1 = Eigen::VectorXd::LinSpaced(50, 3, -1).array().sin();
        x1 *= x0.norm() / x1.norm();
        for (double a : {0.0, 0.3, 0.5, 0.9, 1.0}) {
            const double h = 1e-5;
            const Eigen::VectorXd fd = (slerp(x0, x1, a + h) - slerp(x0, x1, a - h)) / (2 * h);
            QVERIFY2((slerpDerivative(x0, x1, a) - fd).norm() < 1e-6 * fd.norm(), qPrintable(QString::number(a)));
            QCOMPARE(slerp(x0, x1, a).norm(), x0.norm());  // stays on the sphere (to rounding)
        }
        // At an interior knot the path's velocity is the mean of the two one-sided slerp derivatives.
        DyadicSlerpPath path(x0, x1);
        const Eigen::VectorXd mid = slerp(x0, x1, 0.5) + 0.1 * Eigen::VectorXd::Ones(50);
        path.set(0.5, mid);
        const Eigen::VectorXd expected = 0.5 * (slerpDerivative(x0, mid, 1) / 0.5 + slerpDerivative(mid, x1, 0) / 0.5);
        QVERIFY((path.velocity(0.5) - expected).norm() < 1e-12 * expected.norm());
        // Coincident points fall back to the straight line instead of 0/0.
        QVERIFY(slerp(x0, x0, 0.4).allFinite());
        QVERIFY(slerpDerivative(x0, x0, 0.4).norm() == 0);
        QVERIFY_THROWS_EXCEPTION(InputError, slerp(x0, -x0, 0.5));
    }

    void naturalSplineSecondDerivativeMatchesClosedForm() {
        // Knots 0, 1/4, 1/2, 3/4, 1 with scalar values; the M's solve the dense system written out here
        // (an independent solve of the tridiagonal one), M_0 = M_4 = 0, and A is linear between knots.
        const std::vector<double> t{0, 0.25, 0.5, 0.75, 1}, y{0.3, -1.0, 2.0, 0.5, 1.5};
        DyadicSlerpPath path(Eigen::VectorXd::Constant(1, y[0]), Eigen::VectorXd::Constant(1, y[4]));
        for (int i = 1; i < 4; ++i) path.set(t[i], Eigen::VectorXd::Constant(1, y[i]));
        const double h = 0.25;
        Eigen::Matrix3d m;
        m << 4 * h, h, 0, h, 4 * h, h, 0, h, 4 * h;
        Eigen::Vector3d rhs;
        for (int i = 1; i < 4; ++i) rhs[i - 1] = 6 * ((y[i + 1] - y[i]) / h - (y[i] - y[i - 1]) / h);
        const Eigen::Vector3d mm = m.fullPivLu().solve(rhs);
        QCOMPARE(path.acceleration(0)[0], 0.0);
        QCOMPARE(path.acceleration(1)[0], 0.0);
        for (int i = 1; i < 4; ++i) QVERIFY(std::abs(path.acceleration(t[i])[0] - mm[i - 1]) < 1e-10 * std::abs(mm[i - 1]));
        QVERIFY(std::abs(path.acceleration(0.375)[0] - 0.5 * (mm[0] + mm[1])) < 1e-10);
        // Two knots: no acceleration at all, so the first level-1 step always moves.
        const DyadicSlerpPath two(Eigen::VectorXd::Ones(3), Eigen::VectorXd::Constant(3, 2));
        QCOMPARE(two.acceleration(0.5).norm(), 0.0);
    }

    void dyadicKeysAreExact() {
        QCOMPARE(DyadicSlerpPath::keyOf(0.5), int64_t{1} << (DyadicSlerpPath::kKeyBits - 1));
        QVERIFY_THROWS_EXCEPTION(InputError, DyadicSlerpPath::keyOf(0.1));
        QVERIFY_THROWS_EXCEPTION(InputError, DyadicSlerpPath::keyOf(1.5));
    }

    void levelSizesAndLearningRateFollowThePublishedSchedule() {
        QCOMPARE(levelKnots(1).size(), size_t{1});
        QCOMPARE(levelKnots(2).size(), size_t{3});
        QCOMPARE(levelKnots(3).size(), size_t{7});
        QCOMPARE(levelKnots(4).size(), size_t{15});
        QCOMPARE(levelKnots(4, true).size(), size_t{8});
        // Without the early switch every level runs to its absolute threshold: 100 iterations each,
        // m points, and lr = 0.1 (1 − i/400) / m.
        LatentBvpOptions o = exactOptions(LatentBvpMethod::Published);
        o.alpha = 0.05;
        o.earlySwitch = false;
        std::vector<int> perLevel(5, 0);
        int i = 0;
        bool ratesOk = true;
        const auto r = solveLatentBvp(FieldPathScore(bridgeMixture()), kA, kB, o, {}, [&](const LatentBvpSnapshot& s) {
            ++perLevel[s.level];
            QCOMPARE(s.evaluatedT.size(), levelKnots(s.level).size());
            const double m = static_cast<double>(s.evaluatedT.size());
            ratesOk = ratesOk && std::abs(s.learningRate - 0.1 * (1 - i / 400.0) / m) < 1e-15;
            ++i;
        });
        QVERIFY(ratesOk);
        QCOMPARE(perLevel, (std::vector<int>{0, 100, 100, 100, 100}));
        QCOMPARE(r.iterations, 400);
        QCOMPARE(r.evaluations, 100LL * (1 + 3 + 7 + 15));
        QCOMPARE(r.path.size(), 17);
    }

    void pathMatchesTheOracleAndBeatsTheSlerp_data() {
        QTest::addColumn<int>("method");
        QTest::newRow("published") << static_cast<int>(LatentBvpMethod::Published);
        QTest::newRow("implicit") << static_cast<int>(LatentBvpMethod::Implicit);
    }
    void pathMatchesTheOracleAndBeatsTheSlerp() {
        QFETCH(int, method);
        const auto field = bridgeMixture();
        const LatentBvpResult r = solveLatentBvp(FieldPathScore(field), kA, kB, exactOptions(static_cast<LatentBvpMethod>(method)));
        static const double oracle = exactLength(*field, oracleGeodesic());
        const double ours = exactLength(*field, dense(r.path, 257));
        const double slerpLength = exactLength(*field, dense(DyadicSlerpPath(kA, kB), 257));
        qInfo("exact lengths: ours %.5f, oracle %.5f, slerp %.5f; final mean residual %.4f", ours, oracle, slerpLength, r.meanResidualHistory.back());
        QVERIFY2(std::abs(ours - oracle) < 0.02 * oracle, qPrintable(QString("ours %1, oracle %2").arg(ours).arg(oracle)));
        QVERIFY(ours < 0.9 * slerpLength);
    }

    void spherePathStaysOnTheSphereAndIsShorter() {
        const auto field = bridgeMixture();
        LatentBvpOptions o = exactOptions(LatentBvpMethod::Published);
        o.sphere = true;
        bool onSphere = true;
        const double radius = 0.5 * (kA.norm() + kB.norm());
        const LatentBvpResult r = solveLatentBvp(FieldPathScore(field), kA, kB, o, {}, [&](const LatentBvpSnapshot& s) {
            for (Eigen::Index i = 0; i < s.controlPoints->rows(); ++i) onSphere = onSphere && std::abs(s.controlPoints->row(i).norm() - radius) < 1e-6 * radius;
        });
        QVERIFY(onSphere);
        QCOMPARE(r.radius, radius);
        QVERIFY(exactLength(*field, dense(r.path, 257)) < 0.9 * exactLength(*field, dense(DyadicSlerpPath(kA, kB), 257)));
    }

    void sameInputsGiveTheSamePathBitForBit() {
        const auto field = bridgeMixture();
        const auto a = solveLatentBvp(FieldPathScore(field), kA, kB, exactOptions(LatentBvpMethod::Implicit));
        const auto b = solveLatentBvp(FieldPathScore(field), kA, kB, exactOptions(LatentBvpMethod::Implicit));
        QVERIFY(a.path.controlPoints() == b.path.controlPoints());
    }

    void cancelStopsTheSolve() {
        std::atomic<bool> cancel{false};
        int seen = 0;
        QVERIFY_THROWS_EXCEPTION(Cancelled, solveLatentBvp(FieldPathScore(bridgeMixture()), kA, kB, exactOptions(LatentBvpMethod::Published),
                                                            SolveControl{&cancel}, [&](const LatentBvpSnapshot&) {
                                                                if (++seen == 5) cancel = true;
                                                            }));
        QCOMPARE(seen, 5);
    }

    void ivpFromTheSolvedVelocityFollowsThePath() {
        const auto field = bridgeMixture();
        const FieldPathScore score(field);
        const LatentBvpResult r = solveLatentBvp(score, kA, kB, exactOptions(LatentBvpMethod::Implicit));
        const Points path = dense(r.path, 1025);
        double euclid = 0;
        for (Eigen::Index i = 0; i + 1 < path.rows(); ++i) euclid += (path.row(i + 1) - path.row(i)).norm();
        LatentIvpOptions o;
        o.alpha = 1;
        o.sphere = false;
        o.steps = 200;
        const Eigen::VectorXd v0 = r.path.velocity(0);
        o.tEnd = euclid / v0.norm();  // the path's own Euclidean length at constant speed
        const LatentIvpResult shot = shootLatentGeodesic(score, kA, v0, o);
        double worst = 0;
        // The first half of the shot: geodesics through the bridge focus and defocus, so a start direction
        // read off a 15-point spline drifts exponentially; over the whole length the shot misses B by 1.2.
        for (Eigen::Index i = 0; i <= o.steps / 2; ++i) {
            double nearest = INFINITY;
            for (Eigen::Index j = 0; j < path.rows(); ++j) nearest = std::min(nearest, (path.row(j) - shot.positions.row(i)).norm());
            worst = std::max(worst, nearest);
        }
        qInfo("IVP from A: largest distance to the solved path over its first half %.4f (chord %.2f)", worst, (kB - kA).norm());
        QVERIFY(worst < 0.05 * (kB - kA).norm());
        // Constant Euclidean speed.
        QVERIFY(std::abs((shot.positions.row(1) - shot.positions.row(0)).norm() - v0.norm() * o.tEnd / o.steps) < 1e-3 * v0.norm() * o.tEnd / o.steps);
    }

    void retimingIsMonotoneWithFixedEnds() {
        const std::vector<double> t = retimeByDistances({0.1, 0.5, 0.0, 0.2, 0.2});
        QCOMPARE(t.front(), 0.0);
        QCOMPARE(t.back(), 1.0);
        for (size_t i = 0; i + 1 < t.size(); ++i) QVERIFY(t[i] <= t[i + 1]);
        // Equal distances keep equal spacing; all-zero distances (identical frames) do not divide by 0.
        const std::vector<double> even = retimeByDistances({1, 1, 1, 1});
        for (size_t i = 0; i < even.size(); ++i) QVERIFY(std::abs(even[i] - i / 4.0) < 1e-12);
        const std::vector<double> zero = retimeByDistances({0, 0});
        QCOMPARE(zero[1], 0.5);
    }
};

QTEST_APPLESS_MAIN(TestLatentBvp)
#include "test_latent_bvp.moc"
