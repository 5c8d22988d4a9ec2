#include "solver/density_bvp.h"

#include <cmath>
#include <memory>


#include "curve/polyline.h"
#include "measures/path_diagnostics.h"

namespace geo {

namespace {

// Log p and scores at every point of a path; log p from the line integral when the field has none.
struct PathState {
    Points x;
    Eigen::VectorXd logp;
    Points score;
    double length = 0;

    void evaluate(const Field& field) {
        score.resize(x.rows(), x.cols());
        if (field.hasLogDensity()) {
            field.evaluate(x, &logp, &score);
        } else {
            field.evaluate(x, nullptr, &score);
            logp = lineIntegralLogDensity(x, score, 0);
        }
        length = lengthFromLogDensity(x, logp);
    }
};

// Solves (1 + 2c) y_i − c y_{i−1} − c y_{i+1} = rhs_i for i = 1..n−2, y_0 and y_{n−1} fixed, for all
// columns at once (Thomas algorithm; the matrix is shared by every coordinate).
void solveSmoothing(double c, const Points& fixedEnds, Points& rhs) {
    const Eigen::Index n = rhs.rows();
    rhs.row(1) += c * fixedEnds.row(0);
    rhs.row(n - 2) += c * fixedEnds.row(n - 1);
    std::vector<double> cp(n);
    double denom = 1 + 2 * c;
    cp[1] = -c / denom;
    rhs.row(1) /= denom;
    for (Eigen::Index i = 2; i + 1 < n; ++i) {
        denom = (1 + 2 * c) + c * cp[i - 1];
        cp[i] = -c / denom;
        rhs.row(i) = (rhs.row(i) + c * rhs.row(i - 1)) / denom;
    }
    for (Eigen::Index i = n - 3; i >= 1; --i) rhs.row(i) -= cp[i] * rhs.row(i + 1);
    rhs.row(0) = fixedEnds.row(0);
    rhs.row(n - 1) = fixedEnds.row(n - 1);
}

// P⊥ s at interior points, with the tangent from central differences; zero at the ends.
Points normalScore(const Points& x, const Points& s) {
    const Eigen::Index n = x.rows(), d = x.cols();
    Points f = Points::Zero(n, d);
    for (Eigen::Index i = 1; i + 1 < n; ++i) {
        const double* xm = x.data() + (i - 1) * d;
        const double* xp = xm + 2 * d;
        const double* si = s.data() + i * d;
        double c2 = 0, sc = 0;
        for (Eigen::Index k = 0; k < d; ++k) {
            c2 += (xp[k] - xm[k]) * (xp[k] - xm[k]);
            sc += si[k] * (xp[k] - xm[k]);
        }
        if (c2 == 0) continue;
        double* fi = f.data() + i * d;
        for (Eigen::Index k = 0; k < d; ++k) fi[k] = si[k] - sc / c2 * (xp[k] - xm[k]);
    }
    return f;
}

constexpr int kMaxRejections = 6;
constexpr int kLengthWindow = 5;

void validate(const Field& field, const Eigen::VectorXd& a, const Eigen::VectorXd& b, const BvpOptions& o) {
    if (a.size() != field.dim() || b.size() != field.dim())
        throw InputError("endpoints must have " + std::to_string(field.dim()) + " coordinates");
    if (!a.allFinite() || !b.allFinite()) throw InputError("endpoints must be finite numbers");
    if (o.points < 3 || o.points > 100000) throw InputError("a path takes 3 … 100000 points, got " + std::to_string(o.points));
    if (o.maxIterations < 0) throw InputError("maxIterations must not be negative");
}

}  // namespace

Box graphSearchBox(const Field& field, const Eigen::Vector2d& a, const Eigen::Vector2d& b) {
    return field.bounds().united(a).united(b).padded(0.05);
}

BvpResult solveDensityBvp(const Field& field, const Eigen::VectorXd& a, const Eigen::VectorXd& b,
                          const BvpOptions& options, const SolveControl& control, const BvpCallback& onSnapshot) {
    validate(field, a, b, options);
    BvpResult result;
    const int n = options.points;
    if ((a - b).norm() == 0) {
        result.path = result.startPath = straightLine(a, b, n);
        result.converged = true;
        return result;
    }

    const bool useGraph = options.start == BvpOptions::Start::GraphSearch ||
                          (options.start == BvpOptions::Start::Auto && field.dim() == 2 && field.hasLogDensity());
    PathState cur;
    if (useGraph) {
        const Eigen::Vector2d a2 = a, b2 = b;
        std::unique_ptr<GridGraph> owned;
        const GridGraph* graph = options.graph;
        if (!graph || !graph->covers(a2) || !graph->covers(b2)) {
            owned = std::make_unique<GridGraph>(field, graphSearchBox(field, a2, b2), options.gridSize);
            graph = owned.get();
        }
        cur.x = resampleByArcLength(graph->shortestPath(a2, b2, control), n);
    } else {
        cur.x = straightLine(a, b, n);
    }
    cur.evaluate(field);
    if (!std::isfinite(cur.length) || !cur.score.allFinite())
        throw InputError("the field gave a score or density that is not a finite number along the starting path (" +
                         field.describe() + ")");
    result.startPath = cur.x;
    double residual = elResidual(cur.x, cur.score).mean;
    if (onSnapshot) onSnapshot({useGraph ? "graph" : "straight", 0, &cur.x, cur.length, residual});

    // First step: move the point with the largest normal score by half the spacing.
    Points force = normalScore(cur.x, cur.score);
    double h = euclideanLength(cur.x) / (n - 1);
    const double maxForce = force.rowwise().norm().maxCoeff();
    double eta = maxForce > 0 ? 0.5 * h / maxForce : h * h;

    int sinceCheck = 0, rejectedInARow = 0;
    double lengthAtCheck = cur.length;
    PathState next;
    for (int it = 0; it < options.maxIterations; ++it) {
        control.throwIfCancelled();
        if (residual < options.residualTolerance) {
            result.converged = true;
            break;
        }
        // An implicit smoothing step; the Euclidean spacing h sets the curvature's weight. The
        // result is resampled to equal spacing so that points only move across the path: sliding
        // along it changes the discrete length without changing the curve.
        next.x = cur.x + eta * force;
        solveSmoothing(eta / (h * h), cur.x, next.x);
        next.x = resampleByArcLength(next.x, n);
        next.evaluate(field);
        ++result.iterations;
        if (!(next.length <= cur.length * (1 + 1e-12))) {
            eta *= 0.5;
            // The flow's fixed point and the discrete length's minimum differ by the discretisation
            // error; once steps 64 times smaller still lengthen the path, it sits between the two.
            if (++rejectedInARow == kMaxRejections) {
                result.converged = true;
                break;
            }
            continue;
        }
        rejectedInARow = 0;
        std::swap(cur, next);
        eta *= 1.5;
        force = normalScore(cur.x, cur.score);
        h = euclideanLength(cur.x) / (n - 1);
        residual = elResidual(cur.x, cur.score).mean;
        result.residualHistory.push_back(residual);
        if (onSnapshot && result.residualHistory.size() % 8 == 0)
            onSnapshot({"refine", result.iterations, &cur.x, cur.length, residual});
        if (++sinceCheck == kLengthWindow) {
            if (lengthAtCheck - cur.length < options.lengthTolerance * cur.length) {
                result.converged = true;
                break;
            }
            sinceCheck = 0;
            lengthAtCheck = cur.length;
        }
    }
    result.path = cur.x;
    result.length = cur.length;
    if (onSnapshot) onSnapshot({"done", result.iterations, &result.path, result.length, residual});
    return result;
}

}  // namespace geo
