#pragma once
// Perceptual re-timing of a sequence (density-geodesics.md §6.4, from DiffMorpher): given the
// distances d_j between consecutive frames at t_j = j/n, the parameters t'_k at which frames are
// equally far apart in cumulative distance. LPIPS weights cannot be had here, so callers state the
// distance they used (the pipeline uses 1 − SSIM, see measures/image_similarity.h).
#include <vector>

namespace geo {

// d: n ≥ 1 distances (≥ 0). Returns n + 1 values t'_k in [0, 1], monotone, t'_0 = 0, t'_n = 1; equal
// spacing when every distance is 0 (pitfall 10: no division by a zero total).
std::vector<double> retimeByDistances(const std::vector<double>& d);

}  // namespace geo
