#include "spacetime/transition_paths.h"

#include <cmath>
#include <random>

#include "common/errors.h"
#include "solver/minimax_path.h"

namespace geo {

namespace {
const std::pair<TpsConstraint, const char*> kConstraintNames[] = {
    {TpsConstraint::None, "none"}, {TpsConstraint::LowVariance, "low-variance"}, {TpsConstraint::Avoid, "avoid"}};
}  // namespace

TpsConstraint parseTpsConstraint(const std::string& name) {
    std::vector<std::string> known;
    for (const auto& [c, n] : kConstraintNames) {
        if (name == n) return c;
        known.push_back(n);
    }
    throw unknownNameError("constraint", name, known);
}

std::string tpsConstraintName(TpsConstraint c) {
    for (const auto& [value, n] : kConstraintNames)
        if (value == c) return n;
    return "none";
}

TpsGeodesic solveTransitionGeodesic(const TpsSystem& system, const TpsOptions& options, const SolveControl& control) {
    const LinearLogSnr schedule;
    const double t = schedule.timeOf(system.endpointLambda);
    const Eigen::Vector3d from(system.from[0], system.from[1], t), to(system.to[0], system.to[1], t);
    SpacetimeBvpOptions o;
    o.points = options.points;
    o.nodes = options.nodes;
    o.maxSteps = 500;

    // μ* and the hinges; the avoidance term has weight 1 throughout, the low-noise one is ramped.
    SpacetimePath star{Points(1, 2), Eigen::VectorXd::Constant(1, schedule.timeOf(system.forbiddenLambda))};
    star.x.row(0) = system.forbidden.transpose();
    AvoidPosteriorPenalty avoid(exponentialCoordinates(*system.denoiser, schedule, star).mu.row(0), system.klDrop);
    LowNoisePenalty lowNoise(schedule, options.constraint == TpsConstraint::Avoid ? system.avoidVarianceLambda : system.lowVarianceLambda);

    TpsGeodesic g;
    g.bvp = solveSpacetimeBvp(*system.denoiser, schedule, from, to, o, control);  // unconstrained first
    g.stages = 1;
    if (options.constraint != TpsConstraint::None) {
        std::vector<double> weights = options.ramp;
        if (options.constraint == TpsConstraint::Avoid) weights.insert(weights.begin(), 0.0);  // avoidance alone, then ramp
        for (double w : weights) {
            lowNoise.weight = w;
            o.penalties = {&lowNoise};
            if (options.constraint == TpsConstraint::Avoid) o.penalties.push_back(&avoid);
            o.initialWeights = g.bvp.weights;
            g.bvp = solveSpacetimeBvp(*system.denoiser, schedule, from, to, o, control);
            ++g.stages;
        }
    }
    g.klChange = avoid.klChange(exponentialCoordinates(*system.denoiser, schedule, g.bvp.path));
    return g;
}

std::vector<Points> sampleTransitionPaths(const Field& data, const SpacetimePath& curve, const LangevinSettings& s,
                                          const SolveControl& control) {
    if (data.dim() != curve.x.cols()) throw InputError("transition paths: the curve and the data differ in dimension");
    if (s.paths < 1 || s.stepsPerPoint < 1 || !(s.stepSize > 0)) throw InputError("transition paths: paths, steps and step size must be positive");
    const LinearLogSnr schedule;
    const Eigen::Index n = curve.x.rows(), d = curve.x.cols(), states = n * s.stepsPerPoint + 1;
    std::vector<Points> paths(s.paths, Points(states, d));
    Points x = curve.x.row(0).replicate(s.paths, 1);
    for (auto& p : paths) p.row(0) = curve.x.row(0);
    std::mt19937_64 random(s.seed);
    std::normal_distribution<double> normal;
    const double noise = std::sqrt(s.stepSize);
    Eigen::Index state = 1;
    for (Eigen::Index i = 0; i < n; ++i) {
        control.throwIfCancelled();
        const double t = curve.t[i], a = schedule.alpha(t), sig = schedule.sigma(t);
        const Eigen::RowVectorXd xt = curve.x.row(i);
        for (int k = 0; k < s.stepsPerPoint; ++k, ++state) {
            // ∇ log p(x | γ_i) = ∇ log p(x) − α (α x − x_t)/σ².
            const Points drift = data.score(x) - (a / (sig * sig)) * ((a * x).rowwise() - xt);
            for (Eigen::Index c = 0; c < x.rows(); ++c)
                for (Eigen::Index j = 0; j < d; ++j) x(c, j) += 0.5 * s.stepSize * drift(c, j) + noise * normal(random);
            if (!x.allFinite()) throw InputError("transition paths: a Langevin chain diverged; lower the step size");
            for (int c = 0; c < s.paths; ++c) paths[c].row(state) = x.row(c);
        }
    }
    return paths;
}

double maxEnergy(const TpsSystem& system, const Points& path) {
    double top = -INFINITY;
    for (Eigen::Index i = 0; i < path.rows(); ++i) top = std::max(top, system.potential(path(i, 0), path(i, 1)));
    return top;
}

Points statesAtCurvePoints(const Points& chain, int stepsPerPoint) {
    if (stepsPerPoint < 1 || (chain.rows() - 1) % stepsPerPoint) throw InputError("a chain of N·K + 1 states is needed to take one per curve point");
    Points out((chain.rows() - 1) / stepsPerPoint + 1, chain.cols());
    for (Eigen::Index i = 0; i < out.rows(); ++i) out.row(i) = chain.row(i * stepsPerPoint);
    return out;
}

EnergySpread meanAndSpread(const std::vector<double>& values) {
    EnergySpread s;
    if (values.empty()) return s;
    for (double v : values) s.mean += v / values.size();
    if (values.size() < 2) return s;
    double squares = 0;
    for (double v : values) squares += (v - s.mean) * (v - s.mean);
    s.std = std::sqrt(squares / (values.size() - 1));
    return s;
}

TpsLowerBound minimaxLowerBound(const TpsSystem& system, int gridSize) {
    if (gridSize < 8) throw InputError("the lower bound's grid needs at least 8 nodes a side");
    const Box& b = system.view;
    const double hx = (b.hi[0] - b.lo[0]) / (gridSize - 1), hy = (b.hi[1] - b.lo[1]) / (gridSize - 1);
    Eigen::MatrixXd u(gridSize, gridSize);
    for (int j = 0; j < gridSize; ++j)
        for (int i = 0; i < gridSize; ++i) u(i, j) = system.potential(b.lo[0] + i * hx, b.lo[1] + j * hy);
    auto node = [&](const Eigen::Vector2d& p) {
        const Eigen::Index i = std::lround((p[0] - b.lo[0]) / hx), j = std::lround((p[1] - b.lo[1]) / hy);
        if (i < 0 || j < 0 || i >= gridSize || j >= gridSize) throw InputError("the lower bound's grid does not hold the endpoints");
        return j * gridSize + i;
    };
    const MinimaxPath m = minimaxPath(u, node(system.from), node(system.to));
    TpsLowerBound bound;
    bound.barrier = m.barrier;
    bound.path.resize(static_cast<Eigen::Index>(m.nodes.size()), 2);
    for (size_t k = 0; k < m.nodes.size(); ++k)
        bound.path.row(static_cast<Eigen::Index>(k)) << b.lo[0] + (m.nodes[k] % gridSize) * hx, b.lo[1] + (m.nodes[k] / gridSize) * hy;
    return bound;
}

}  // namespace geo
