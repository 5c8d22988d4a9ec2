#pragma once
// The image pipelines of the density-geodesics paper (density-geodesics.md §6.5) over any
// DiffusionModel: images → encode → DDIM-invert to τ* → one boundary-value solve per consecutive pair
// of keyframes on one sphere (so a chain is one continuous path) → frames by DDIM from τ* →
// optional perceptual re-timing; and the extrapolation past the ends along the geodesic ODE.
// The CLI's interpolate/extrapolate and the GUI's image mode call these; fronts add no logic.
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "diffusion/diffusion_model.h"
#include "pipeline/image_path.h"
#include "pipeline/image_pipeline_options.h"
#include "solver/latent_ivp.h"

namespace geo {

// Sensible defaults for a model: α measured for the shipped model (docs/image-geodesics.md), the
// published 0.002 for Stable Diffusion, with its jitter.
ImagePipelineOptions defaultPipelineOptions(const DiffusionModel& model);

// images: [K, 3, S, S] in [−1, 1] at the model's image size, K ≥ 2.
ImagePath interpolateImages(std::shared_ptr<const DiffusionModel> model, const at::Tensor& images, const ImagePipelineOptions& options,
                            const SolveControl& control = {}, const PipelineCallback& progress = {});

// Two images: the pair's geodesic (unless fromDirection), then shots past its ends with the path's end
// velocity at constant speed on the sphere. Frames carry t < 0 before the first image, t > 1 past the
// last. The baseline continues the slerp's great circle over the same t.
ImagePath extrapolateImages(std::shared_ptr<const DiffusionModel> model, const at::Tensor& images, const ImagePipelineOptions& options,
                            const ExtrapolationOptions& extrapolation, const SolveControl& control = {}, const PipelineCallback& progress = {});

}  // namespace geo
