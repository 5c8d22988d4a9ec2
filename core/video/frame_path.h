#pragma once
// A video as a path in a diffusion model's latent space (density-geodesics.md §7), without torch:
// the frames' inverted latents on one sphere are the control points of the slerp-and-cubic path of
// §4.1 at t = i/(N − 1), and at every frame the two terms of the Euler–Lagrange residual (§2.8),
//     term1 = P⊥_V s,  term2 = P⊥_V A / (α|V|²),  r = term1 + term2,
// vanish together on a geodesic. Beside the video: the path optimised from it (§7's update, one
// random subset of frames per iteration, stopping when 2·mean|term1| < mean|term2|), and the paths
// it is compared with (perturbed, smoothed, the slerp between its ends).
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "curve/dyadic_slerp_path.h"
#include "solver/path_score.h"

namespace geo {

// t_i = i/(N − 1) on the dyadic key grid of DyadicSlerpPath (off by less than 3·10⁻⁸).
std::vector<double> frameTimes(int frames);
DyadicSlerpPath pathThroughFrames(const Points& frames);

struct FrameTerms {
    std::vector<double> t;
    std::vector<double> term1, term2, residual;  // |term1|, |term2|, |r| per frame (score units)
    std::vector<double> ratio;                   // |r| / (|term1| + |term2|) ∈ [0, 1]
    std::vector<double> angle;                   // between term1 and term2, degrees (180: they cancel)
    std::vector<double> logDensity;              // log p̃ relative to the first frame (α · score, trapezoid)
    double logLength = 0;                        // log of the density-weighted length over the frames
    // Over the interior frames (the ends are held fixed and the natural spline's A is 0 there):
    double meanTerm1 = 0, meanTerm2 = 0, meanResidual = 0, meanRatio = 0;
};
// The terms at every frame of the path through `frames`, with the scores there.
FrameTerms frameTerms(const Points& frames, const Points& scores, double alpha, bool sphere);

struct FramePathOptions {
    double alpha = 0.02;
    bool sphere = true;
    double radius = 0;           // 0: the mean norm of the frames
    int iterations = 200;
    double learningRate = 0.1;   // lr0 · (1 − i/iterations) / m, as §4.4's linear schedule
    int samplePoints = 8;        // path_sample_num: frames moved per iteration
    bool moveEnds = false;       // false: the first and last frame stay where the video has them
    double stopFactor = 2;       // stop when stopFactor · mean|term1| < mean|term2| (0: never)
    // The rule is not checked before this many iterations: on videos of the shipped model the
    // curvature term outweighs the score 2:1 from the first iteration, so the published rule alone
    // returns the video unchanged (docs/video-analysis.md). 0: the published behaviour.
    int minIterations = 50;
    uint64_t seed = 0;
};

struct FramePathSnapshot {
    int iteration = 0;
    double meanTerm1 = 0, meanTerm2 = 0, meanRatio = 0;  // of the frames moved in this iteration
    const Points* frames = nullptr;
};

struct FramePathResult {
    Points frames;
    int iterations = 0;
    bool stoppedByRule = false;  // the 2·|term1| < |term2| rule ended it, not the iteration budget
    int ruleFirstHeld = 0;       // the first iteration at which the rule held (0: never)
    long long evaluations = 0;
    std::vector<double> meanRatioHistory;
};

FramePathResult optimiseFramePath(const PathScore& score, const Points& frames, const FramePathOptions& options, const SolveControl& control = {},
                                  const std::function<void(const FramePathSnapshot&)>& onSnapshot = {});

// The comparison paths, all with the video's ends and on the sphere of `radius` when radius > 0:
// interior frames plus Gaussian noise whose norm is `size` times the mean distance between
// consecutive frames; one pass of the [¼ ½ ¼] filter over the interior frames; the slerp between
// the ends at the frames' t.
Points perturbFrames(const Points& frames, double size, uint64_t seed, double radius);
Points smoothFrames(const Points& frames, double radius);
Points slerpFrames(const Points& frames);

double meanStep(const Points& frames);  // mean |x_{i+1} − x_i|
Points onSphere(const Points& frames, double radius);

}  // namespace geo
