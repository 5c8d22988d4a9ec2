#pragma once
// The image mode's spacetime geodesic (torch side, included only by the jobs): core's
// spacetimeBetweenImages for each pair of consecutive keyframes, joined into one path, publishing
// snapshots with the curve's λ while it is solved and, now and then, its posterior means decoded.
#include <ATen/core/Tensor.h>

#include <functional>
#include <memory>

#include "image_jobs.h"

namespace geo {
class DiffusionModel;
struct SolveControl;
}  // namespace geo

// Where the spacetime solves sit in the whole run's progress bar: fraction = start + share · (own 0 … 1).
struct RunShare {
    double start = 0, share = 1;
};

// Frames [N, 3, S, S] in [−1, 1] as images (image_jobs.cpp).
QVector<QImage> toQImages(const at::Tensor& frames);

// images: [K, 3, S, S] in [−1, 1] at the model's size, each inverted once; prompts: one per keyframe for
// text models, of which the first conditions the whole chain (one posterior, so the pairs meet).
// `first` goes out with the first snapshot (geometry "both": the finished density result).
SpacetimeRunResult solveSpacetimeChain(const std::shared_ptr<geo::DiffusionModel>& model, const at::Tensor& images, const QStringList& prompts,
                                       const ImageRunSettings& settings, const geo::SolveControl& control, const ModelService::Reporter& publisher,
                                       RunShare share, double secondsBefore, ImageRunResultPtr first);
