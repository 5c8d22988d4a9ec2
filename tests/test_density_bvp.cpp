// The density BVP against an independent oracle, written here and sharing no code with the solver:
// Dijkstra on a dense grid with a 32-neighbour stencil and Simpson edge costs, then a
// derivative-free refinement that moves each point along its normal to the golden-section minimum of
// its two adjacent segments' length. Lengths on both sides are measured by this file's own quadrature.
#include <QtTest>
#include <atomic>
#include <cmath>
#include <numeric>
#include <queue>
#include <thread>

#include "curve/polyline.h"
#include "measures/path_diagnostics.h"
#include "field/gaussian_mixture.h"
#include "solver/density_bvp.h"
#include "toy/presets.h"

using namespace geo;

namespace {

double weight(const Field& f, const Eigen::Vector2d& p) { return std::exp(-f.logDensity(Points(p.transpose()))[0]); }

// ∫ 1/p over the segment by composite Simpson with 8 intervals.
double segmentLength(const Field& f, const Eigen::Vector2d& a, const Eigen::Vector2d& b) {
    Points q(9, 2);
    for (int k = 0; k <= 8; ++k) q.row(k) = (a + (b - a) * (k / 8.0)).transpose();
    const Eigen::VectorXd w = (-f.logDensity(q)).array().exp();
    double s = w[0] + w[8];
    for (int k = 1; k < 8; ++k) s += (k % 2 ? 4 : 2) * w[k];
    return (b - a).norm() * s / 24.0;
}

double pathLength(const Field& f, const Points& p) {
    double s = 0;
    for (Eigen::Index i = 0; i + 1 < p.rows(); ++i) s += segmentLength(f, p.row(i).transpose(), p.row(i + 1).transpose());
    return s;
}

Points dijkstra(const Field& f, const Box& box, int n, const Eigen::Vector2d& a, const Eigen::Vector2d& b) {
    std::vector<std::pair<int, int>> stencil;
    for (int dx = -3; dx <= 3; ++dx)
        for (int dy = -3; dy <= 3; ++dy)
            if ((dx || dy) && std::gcd(std::abs(dx), std::abs(dy)) == 1) stencil.push_back({dx, dy});
    const double hx = (box.hi[0] - box.lo[0]) / (n - 1), hy = (box.hi[1] - box.lo[1]) / (n - 1);
    auto pos = [&](int v) { return Eigen::Vector2d(box.lo[0] + (v % n) * hx, box.lo[1] + (v / n) * hy); };
    auto node = [&](const Eigen::Vector2d& p) {
        return int(std::lround((p[1] - box.lo[1]) / hy)) * n + int(std::lround((p[0] - box.lo[0]) / hx));
    };
    Points grid(n * n, 2);
    for (int v = 0; v < n * n; ++v) grid.row(v) = pos(v).transpose();
    const Eigen::VectorXd w = (-f.logDensity(grid)).array().exp();
    std::vector<double> dist(n * n, INFINITY);
    std::vector<int> prev(n * n, -1);
    std::priority_queue<std::pair<double, int>, std::vector<std::pair<double, int>>, std::greater<>> q;
    const int s = node(a), t = node(b);
    dist[s] = 0;
    q.push({0, s});
    while (!q.empty()) {
        auto [d, u] = q.top();
        q.pop();
        if (d > dist[u]) continue;
        if (u == t) break;
        for (auto [dx, dy] : stencil) {
            const int vi = u % n + dx, vj = u / n + dy;
            if (vi < 0 || vj < 0 || vi >= n || vj >= n) continue;
            const int v = vj * n + vi;
            // Simpson with the midpoint evaluated exactly.
            const Eigen::Vector2d m = 0.5 * (pos(u) + pos(v));
            const double nd = d + (pos(v) - pos(u)).norm() * (w[u] + 4 * weight(f, m) + w[v]) / 6;
            if (nd < dist[v]) {
                dist[v] = nd;
                prev[v] = u;
                q.push({nd, v});
            }
        }
    }
    std::vector<Eigen::Vector2d> pts;
    for (int v = t; v != -1; v = prev[v]) pts.push_back(pos(v));
    std::reverse(pts.begin(), pts.end());
    pts.front() = a;
    pts.back() = b;
    Points p(pts.size(), 2);
    for (size_t i = 0; i < pts.size(); ++i) p.row(i) = pts[i].transpose();
    return p;
}

Points relax(const Field& f, Points p, int sweeps) {
    const double golden = (std::sqrt(5.0) - 1) / 2;
    for (int sweep = 0; sweep < sweeps; ++sweep) {
        const double h = euclideanLength(p) / (p.rows() - 1);
        for (Eigen::Index i = 1; i + 1 < p.rows(); ++i) {
            const Eigen::Vector2d prev = p.row(i - 1).transpose(), next = p.row(i + 1).transpose();
            const Eigen::Vector2d chord = (next - prev).normalized(), normal(-chord[1], chord[0]);
            const Eigen::Vector2d x0 = p.row(i).transpose();
            auto local = [&](double t) { return segmentLength(f, prev, x0 + t * normal) + segmentLength(f, x0 + t * normal, next); };
            double lo = -h, hi = h;
            double c = hi - golden * (hi - lo), d = lo + golden * (hi - lo), fc = local(c), fd = local(d);
            for (int k = 0; k < 30; ++k) {
                if (fc < fd) { hi = d; d = c; fd = fc; c = hi - golden * (hi - lo); fc = local(c); }
                else { lo = c; c = d; fc = fd; d = lo + golden * (hi - lo); fd = local(d); }
            }
            const double t = 0.5 * (lo + hi);
            if (local(t) < local(0)) p.row(i) = (x0 + t * normal).transpose();
        }
        if (sweep % 10 == 9) p = resampleByArcLength(p, p.rows());
    }
    return p;
}

double oracleLength(const ToyScene& s) {
    const Box box = s.field->bounds().united(s.from).united(s.to).padded(0.05);
    const Points coarse = dijkstra(*s.field, box, 201, s.from, s.to);
    return pathLength(*s.field, relax(*s.field, resampleByArcLength(coarse, 160), 60));
}

}  // namespace

class TestDensityBvp : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void matchesOracle_data() {
        QTest::addColumn<QString>("name");
        for (const char* n : {"figure1", "ring", "banana", "two-routes", "muller-brown"}) QTest::newRow(n) << n;
    }
    void matchesOracle() {
        // 1% as the issue asks. The solver's 128-point path is a polyline through the curved
        // geodesic, so its length exceeds the oracle's 160-point one by its chord error (~1e-4),
        // and the oracle is itself an upper bound on the true minimum.
        QFETCH(QString, name);
        const ToyScene s = preset(name.toStdString());
        const BvpResult r = solveDensityBvp(*s.field, s.from, s.to);
        QVERIFY(r.converged);
        const double solver = pathLength(*s.field, r.path), oracle = oracleLength(s);
        qInfo("%s: solver %.6g, oracle %.6g, relative difference %.2e", qPrintable(name), solver, oracle,
              (solver - oracle) / oracle);
        QVERIFY2(std::abs(solver - oracle) < 0.01 * oracle, qPrintable(QString("%1 vs %2").arg(solver).arg(oracle)));
    }
    void descentFromTheStraightLineFindsTheWrongRoute() {
        // two-routes: the near, sparse route attracts a descent from the straight segment; only the
        // graph start finds the far, dense and shorter route.
        const ToyScene s = preset("two-routes");
        BvpOptions straight;
        straight.start = BvpOptions::Start::Straight;
        const double local = pathLength(*s.field, solveDensityBvp(*s.field, s.from, s.to, straight).path);
        const double global = pathLength(*s.field, solveDensityBvp(*s.field, s.from, s.to).path);
        QVERIFY2(local > 1.3 * global, qPrintable(QString("local %1, global %2").arg(local).arg(global)));
        QVERIFY(std::abs(global - oracleLength(s)) < 0.01 * global);
    }
    void residualFallsAsTheSolveConverges() {
        for (const char* name : {"figure1", "banana", "muller-brown"}) {
            const ToyScene s = preset(name);
            BvpOptions o;
            o.residualTolerance = 0;  // run to the length-based stop to see the whole descent
            const BvpResult r = solveDensityBvp(*s.field, s.from, s.to, o);
            const double start = elResidual(r.startPath, s.field->score(r.startPath)).mean;
            const double end = elResidual(r.path, s.field->score(r.path)).mean;
            qInfo("%s: residual %.3g -> %.3g in %d iterations", name, start, end, r.iterations);
            QVERIFY(end < 0.1 * start);
            QVERIFY(!r.residualHistory.empty());
        }
    }
    void straightLineThroughTheMeanIsAGeodesic() {
        // Reference §2.9: in an isotropic Gaussian, chords through the mean are geodesics.
        GaussianMixture g({1}, {Eigen::Vector2d(0.3, -0.2)}, {Eigen::Matrix2d::Identity()});
        const Eigen::Vector2d a(-1.7, -1.2), b(2.3, 0.8);  // the line through a and b contains the mean
        BvpOptions o;
        o.start = BvpOptions::Start::Straight;
        const BvpResult r = solveDensityBvp(g, a, b, o);
        const Points line = straightLine(a, b, o.points);
        QVERIFY((r.path - line).cwiseAbs().maxCoeff() < 1e-9);
        // Zero up to rounding: the projected terms are ~1e-13 against the ratio's floor of ~1e-6.
        QVERIFY(elResidual(r.path, g.score(r.path)).max < 1e-5);
    }
    void otherChordsBendTowardsTheMean() {
        GaussianMixture g({1}, {Eigen::Vector2d(0, 0)}, {Eigen::Matrix2d::Identity()});
        const BvpResult r = solveDensityBvp(g, Eigen::Vector2d(-1.5, 1), Eigen::Vector2d(1.5, 1));
        QVERIFY(r.path(r.path.rows() / 2, 1) < 0.9);
    }
    void worksFromScoresAloneInHigherDimensions() {
        // A 6-D mixture seen through scores only: the same refinement, starting from the straight line.
        struct ScoreOnly : Field {
            GaussianMixture g;
            explicit ScoreOnly(GaussianMixture m) : g(std::move(m)) {}
            int dim() const override { return g.dim(); }
            std::string describe() const override { return "scores only"; }
            Box bounds() const override { return g.bounds(); }
            bool hasLogDensity() const override { return false; }
            void evaluate(const Points& x, Eigen::VectorXd* lp, Points* s) const override {
                if (lp) throw std::logic_error("no density");
                g.evaluate(x, nullptr, s);
            }
        };
        Eigen::VectorXd m1 = Eigen::VectorXd::Zero(6), m2 = Eigen::VectorXd::Zero(6);
        m1[0] = -1;
        m2[0] = 1;
        m2[1] = 0.8;
        const GaussianMixture g({1, 1}, {m1, m2}, {Eigen::MatrixXd::Identity(6, 6) * 0.3, Eigen::MatrixXd::Identity(6, 6) * 0.3});
        ScoreOnly f(g);
        // Endpoints off the axis through both means (on it, by symmetry, the straight line is the geodesic).
        Eigen::VectorXd a = m1, b = m2;
        a[2] = 0.9;
        b[3] = -0.9;
        const BvpResult scoreOnly = solveDensityBvp(f, a, b);
        BvpOptions o;
        o.start = BvpOptions::Start::Straight;
        const BvpResult exact = solveDensityBvp(g, a, b, o);
        QVERIFY(scoreOnly.converged);
        // Same problem, the same minimiser; only the bookkeeping of log p differs (line integral).
        QVERIFY((scoreOnly.path - exact.path).cwiseAbs().maxCoeff() < 0.02);
        QVERIFY(densityLength(g, scoreOnly.path) < 0.99 * densityLength(g, straightLine(a, b, 128)));
    }
    void nanFromTheFieldIsAnErrorNotAResult() {
        struct Broken : Field {
            int dim() const override { return 3; }
            std::string describe() const override { return "broken"; }
            Box bounds() const override { return {Eigen::Vector3d::Zero(), Eigen::Vector3d::Ones()}; }
            bool hasLogDensity() const override { return false; }
            void evaluate(const Points& x, Eigen::VectorXd*, Points* s) const override {
                *s = Points::Constant(x.rows(), 3, std::numeric_limits<double>::quiet_NaN());
            }
        } broken;
        try {
            solveDensityBvp(broken, Eigen::Vector3d::Zero(), Eigen::Vector3d::Ones());
            QFAIL("no error");
        } catch (const InputError& e) {
            QVERIFY2(QString(e.what()).contains("not a finite number"), e.what());
        }
    }
    void cancelStopsTheSolve() {
        const ToyScene s = preset("two-routes");
        std::atomic<bool> cancel{true};
        QVERIFY_THROWS_EXCEPTION(Cancelled, solveDensityBvp(*s.field, s.from, s.to, {}, SolveControl{&cancel}));
    }
    void badInputIsRejected() {
        const ToyScene s = preset("figure1");
        BvpOptions o;
        o.points = 2;
        QVERIFY_THROWS_EXCEPTION(InputError, solveDensityBvp(*s.field, s.from, s.to, o));
        QVERIFY_THROWS_EXCEPTION(InputError, solveDensityBvp(*s.field, Eigen::Vector3d(0, 0, 0), s.to));
        QVERIFY_THROWS_EXCEPTION(InputError, solveDensityBvp(*s.field, Eigen::Vector2d(NAN, 0), s.to));
        const BvpResult same = solveDensityBvp(*s.field, s.from, s.from);
        QCOMPARE(same.path.rows(), 128);
    }
};

QTEST_APPLESS_MAIN(TestDensityBvp)
#include "test_density_bvp.moc"
