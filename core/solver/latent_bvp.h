#pragma once
// The density boundary-value problem in a diffusion model's latent space, as the published code
// solves it (density-geodesics.md §4): a DyadicSlerpPath from A to B whose control points at
// t = j/2^k are moved along
//     term1 + term2 = P⊥_V s + P⊥_V A / (α |V|²)
// (s the score, tangential to the sphere |x| = R when the sphere constraint is on, V and A the path's
// velocity and acceleration), on bisection levels k = 1 … 4 (1, 3, 7, 15 points), 100 iterations per
// level at absolute thresholds, with the early level switch when mean |term1| < mean |term2|, and the
// learning rate lr0 · f(i / maxIterations) / m.
//
// What the published code lacks and this one has: the Euler–Lagrange residual ratio
// |term1 + term2| / (|term1| + |term2|) of every control point at every iteration (0 on a geodesic),
// a seed (the score's draw is the iteration index), a snapshot per iteration, and cancel.
#include <functional>
#include <string>
#include <vector>

#include "curve/dyadic_slerp_path.h"
#include "solver/path_score.h"

namespace geo {

enum class LearningRateSchedule { Constant, Linear, Cosine, Polynomial };
LearningRateSchedule parseLearningRateSchedule(const std::string& name);  // "constant", "linear", "cosine", "polynomial"

// "published": the reference's explicit update, as it is. "implicit": the same levels, points and
// fixed point, but the curvature term is taken implicitly, (I − c D₂) X⁺ = X + η P⊥s with D₂ the
// second difference along the level's equally spaced points and c = η / (α |V|² h²), so the step is
// not limited by the curvature; η grows ×1.3 after a step that shortened the path and a step that
// lengthened it (measured on the control points with the scores the next iteration computes anyway)
// is undone and retried at half the size. docs/image-geodesics.md compares the two.
enum class LatentBvpMethod { Published, Implicit };
LatentBvpMethod parseLatentBvpMethod(const std::string& name);
std::string latentBvpMethodName(LatentBvpMethod m);

struct LatentBvpOptions {
    LatentBvpMethod method = LatentBvpMethod::Published;
    double alpha = 0.02;          // ∇log p ≈ α s
    bool sphere = true;           // keep every point on |x| = radius
    double radius = 0;            // 0: (|A| + |B|) / 2
    int levels = 4;               // max_strength: 1, 3, 7, 15 control points
    int iterationsPerLevel = 100; // bisect_interval: level k ends at iteration 100·k at the latest
    int maxIterations = 400;      // iter_num
    double learningRate = 0.1;    // lr0
    LearningRateSchedule schedule = LearningRateSchedule::Linear;
    bool divideByPoints = true;   // lr_divide
    bool earlySwitch = true;      // next level when mean |term1| < mean |term2|
    bool onlyNewPoints = false;
    double residualTolerance = 0; // > 0: also switch level when the mean residual ratio falls below it
    double implicitStep = 0.1;    // implicit: the first η
    // implicit: a level ends after this many rejected steps in a row (each costs the level's points),
    // and a new level starts from the last level's η; docs/image-geodesics.md measures both.
    int halvingsToNextLevel = 3;
    bool carryStep = true;
};

struct LatentBvpSnapshot {
    int level = 1;
    int iteration = 0;            // iterations done, this one included
    std::vector<double> t;        // every control point's t (knots, 0 and 1 included)
    const Points* controlPoints = nullptr;
    std::vector<double> evaluatedT;      // the points moved (or measured) in this iteration
    // Where the scores were taken (the points at evaluatedT before this iteration's step), the scores,
    // and the estimator's denoised guesses there (empty when it has none): a preview at no cost.
    const Points* evaluated = nullptr;
    const Points* scores = nullptr;
    const Points* denoised = nullptr;
    std::vector<double> residual;        // their residual ratios
    double meanTerm1 = 0, meanTerm2 = 0;
    double learningRate = 0;
    bool updated = false;                // false: the early level switch (or a rejected step) took it
    long long evaluations = 0;           // network evaluations so far
};

struct LatentBvpResult {
    DyadicSlerpPath path;
    double radius = 0;
    int iterations = 0;
    int finalLevel = 0;
    long long evaluations = 0;
    std::vector<long long> evaluationsPerLevel;  // index k − 1
    std::vector<double> meanResidualHistory;     // one per iteration
};

using LatentBvpCallback = std::function<void(const LatentBvpSnapshot&)>;

LatentBvpResult solveLatentBvp(const PathScore& score, const Eigen::VectorXd& a, const Eigen::VectorXd& b, const LatentBvpOptions& options = {},
                               const SolveControl& control = {}, const LatentBvpCallback& onSnapshot = {});

// The control t's of level k: j/2^k for j = 1 … 2^k − 1 (only the odd j with onlyNew).
std::vector<double> levelKnots(int level, bool onlyNew = false);

// The §2.8 terms at points with velocities V and accelerations A (rows), with the sphere's
// tangential projection first when `sphere`: term1 = P⊥_V s, term2 = P⊥_V A / (α |V|²).
struct ElTerms {
    Points term1, term2;
    Eigen::VectorXd ratio;  // |term1 + term2| / (|term1| + |term2|), 0 where both vanish
};
ElTerms elTerms(const Points& x, const Points& v, const Points& a, const Points& s, double alpha, bool sphere);

}  // namespace geo
