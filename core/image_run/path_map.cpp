#include "image_run/path_map.h"

#include <algorithm>
#include <cmath>
#include <limits>

#include "curve/dyadic_slerp_path.h"
#include "measures/path_plane.h"
#include "pipeline/image_path.h"
#include "pipeline/model_path_score.h"

namespace geo {

namespace {

Points stackRows(const std::vector<Eigen::VectorXd>& v) {
    Points m(static_cast<Eigen::Index>(v.size()), v.empty() ? 0 : v.front().size());
    for (size_t i = 0; i < v.size(); ++i) m.row(static_cast<Eigen::Index>(i)) = v[i].transpose();
    return m;
}

// Every pair's control points, one row each (the pairs' shared keyframes repeated).
Points controlPointsOf(const std::vector<PairControl>& pairs) {
    std::vector<Eigen::VectorXd> control;
    for (const PairControl& p : pairs)
        for (Eigen::Index i = 0; i < p.points.rows(); ++i) control.push_back(p.points.row(i).transpose());
    return stackRows(control);
}

}  // namespace

void recordSnapshot(std::vector<PairControl>& pairs, int pair, const LatentBvpSnapshot& b) {
    if (static_cast<int>(pairs.size()) <= pair) pairs.resize(static_cast<size_t>(pair) + 1);
    PairControl& state = pairs[static_cast<size_t>(pair)];
    state.t = b.t;
    state.points = *b.controlPoints;
    for (size_t i = 0; i < b.evaluatedT.size() && i < b.residual.size(); ++i) state.residual[b.evaluatedT[i]] = b.residual[i];
}

PathMap liveMap(const std::vector<PairControl>& pairs, int samples) {
    PathMap m;
    std::vector<Eigen::VectorXd> path, baseline;
    for (const PairControl& p : pairs) {
        if (p.points.rows() == 0) continue;  // a pair whose solved path came from the cache has no snapshot
        const Eigen::VectorXd a = p.points.row(0).transpose(), b = p.points.row(p.points.rows() - 1).transpose();
        DyadicSlerpPath curve(a, b);
        for (size_t i = 0; i < p.t.size(); ++i) curve.set(p.t[i], p.points.row(static_cast<Eigen::Index>(i)).transpose());
        for (int j = path.empty() ? 0 : 1; j < samples; ++j) {
            const double t = double(j) / (samples - 1);
            path.push_back(curve.position(t));
            baseline.push_back(slerp(a, b, t));
        }
    }
    if (path.empty()) return m;
    const Points p = stackRows(path), b = stackRows(baseline);
    const PathPlane plane = planeOfDeparture(p, b);
    m.path = projectOnPlane(plane, p);
    m.baseline = projectOnPlane(plane, b);
    m.control = projectOnPlane(plane, controlPointsOf(pairs));
    return m;
}

PathMap finishedMap(const ImagePath& p, const std::vector<PairControl>& pairs) {
    PathMap m;
    const Points latents = latentsToPoints(p.latents), baseline = latentsToPoints(p.baselineLatents);
    const PathPlane plane = planeOfDeparture(latents, baseline);
    m.path = projectOnPlane(plane, latents);
    m.baseline = projectOnPlane(plane, baseline);
    const Points control = controlPointsOf(pairs);
    if (control.rows() > 0) m.control = projectOnPlane(plane, control);
    Points keys(static_cast<Eigen::Index>(p.keyframes.size()), latents.cols());
    for (size_t i = 0; i < p.keyframes.size(); ++i) keys.row(static_cast<Eigen::Index>(i)) = latents.row(p.keyframes[i]);
    m.keyframes = projectOnPlane(plane, keys);
    return m;
}

std::vector<double> frameResiduals(const ImagePath& p, const std::vector<PairControl>& pairs) {
    std::vector<double> out;
    for (double t : p.t) {
        const int pair = std::clamp(static_cast<int>(std::floor(t)), 0, std::max(0, static_cast<int>(pairs.size()) - 1));
        double best = std::numeric_limits<double>::quiet_NaN(), distance = 1e9;
        if (pair < static_cast<int>(pairs.size()))
            for (const auto& [ct, res] : pairs[static_cast<size_t>(pair)].residual)
                if (std::abs(ct - (t - pair)) < distance) distance = std::abs(ct - (t - pair)), best = res;
        out.push_back(best);
    }
    return out;
}

}  // namespace geo
