#pragma once
// An image run's spacetime geodesic (internal to image_run/): spacetimeBetweenKeyframes for each
// pair of consecutive keyframes, each keyframe inverted once, the pairs joined into one path;
// snapshots with the curve's λ while a pair is solved and, at the run's preview cadence, its
// posterior means decoded.
#include <memory>

#include "image_run/image_run.h"
#include "image_run/run_pacing.h"

namespace geo {

// `first` goes out with the first snapshot (geometry both: the finished density result).
SpacetimeRun solveSpacetimeChain(const std::shared_ptr<const DiffusionModel>& model, const at::Tensor& images, const SpacetimeImageOptions& options,
                                 const PreviewCadence& cadence, const SolveControl& control, const ImageRunCallback& snapshot, RunShare share,
                                 RunClock::time_point runStart, std::shared_ptr<const ImageRunResult> first);

}  // namespace geo
