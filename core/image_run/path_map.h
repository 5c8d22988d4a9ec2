#pragma once
// What an image run keeps of each pair while the density solver works on it (its latest control
// points and their residuals), and what it draws from them: the 2-D map of the paths (points in the
// plane of the endpoints and of the largest departure, measures/path_plane.h) and the residual
// shown at each finished frame.
#include <Eigen/Dense>
#include <map>
#include <vector>

#include "field/field.h"
#include "solver/latent_bvp.h"

namespace geo {

struct ImagePath;

struct PathMap {
    Eigen::MatrixX2d path, baseline, control, keyframes;  // rows: (along u, along v); keyframes only when finished
};

struct PairControl {
    std::vector<double> t;
    Points points;                       // the control points at t (keyframes at t = 0 and 1 included)
    std::map<double, double> residual;   // control point t → its latest residual ratio
};

// What the solver's snapshot of pair `pair` shows, kept in `pairs` (grown as needed).
void recordSnapshot(std::vector<PairControl>& pairs, int pair, const LatentBvpSnapshot& snapshot);
// The map of the pairs seen so far: path and baseline sampled at `samples` points per pair.
PathMap liveMap(const std::vector<PairControl>& pairs, int samples);
// The map of a finished path: its frames, the slerp's, the control points and the keyframes.
PathMap finishedMap(const ImagePath& path, const std::vector<PairControl>& pairs);
// At each frame: the residual of the solved control point nearest to it within its pair (NaN where
// the pair has none, e.g. a path reused from the cache).
std::vector<double> frameResiduals(const ImagePath& path, const std::vector<PairControl>& pairs);

}  // namespace geo
