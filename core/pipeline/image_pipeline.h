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
#include "solver/latent_ivp.h"

namespace geo {

// Inverted keyframes kept between runs (an interactive front end re-solving the same images with
// another α or method need not encode and invert them again). Keyed by the model, the images' bytes
// and every option the inversion depends on; holds the last few. Safe to share between threads.
class KeyframeCache;
std::shared_ptr<KeyframeCache> makeKeyframeCache(int capacity = 4);

// The negative prompt of the published configuration (§3.2).
extern const char* const kPublishedNegativePrompt;

struct ImagePipelineOptions {
    double noiseLevel = 0.6;     // τ* = the DDIM grid's timestep for it (0.6 → 581)
    int ddimSteps = 50;          // of the full grid; inversion and decoding take the part up to τ*
    int framesPerPair = 17;
    LatentBvpOptions solver;     // α, method, schedule; the sphere radius is set by the pipeline
    int jitterRange = 0;         // the score's timestep jitter ρ (0: deterministic; the published 100)
    uint64_t seed = 0;
    std::vector<std::string> prompts;   // text models: none, one for all, or one per image
    std::string negative = kPublishedNegativePrompt;
    bool retime = false;         // re-time the geodesic's frames by 1 − SSIM between neighbours
    int textualInversionSteps = 0;  // text models: > 0 inverts each image's prompt embedding first (§3.2; 500 published)
    bool jointTextualInversion = false;  // one embedding inverted over all images together (a video's frames, §7)
    std::filesystem::path textualInversionCache;  // empty: the user's cache folder
    std::shared_ptr<KeyframeCache> keyframeCache; // null: invert every run
};

// Sensible defaults for a model: α measured for the shipped model (docs/image-geodesics.md), the
// published 0.002 for Stable Diffusion, with its jitter.
ImagePipelineOptions defaultPipelineOptions(const DiffusionModel& model);

// images: [K, 3, S, S] in [−1, 1] at the model's image size, K ≥ 2.
ImagePath interpolateImages(std::shared_ptr<const DiffusionModel> model, const at::Tensor& images, const ImagePipelineOptions& options,
                            const SolveControl& control = {}, const PipelineCallback& progress = {});

enum class ExtrapolationSide { Last, First, Both };
ExtrapolationSide parseExtrapolationSide(const std::string& name);  // "last", "first", "both"

struct ExtrapolationOptions {
    ExtrapolationSide past = ExtrapolationSide::Last;
    double length = 0.25;         // how far past the keyframe, in units of t (the pair spans t ∈ [0, 1])
    int frames = 8;               // frames on each extrapolated side
    int stepsPerFrame = 4;        // RK4 steps between frames
    bool fromDirection = false;   // shoot from the first image toward the second, without solving the pair
};

// Two images: the pair's geodesic (unless fromDirection), then shots past its ends with the path's end
// velocity at constant speed on the sphere. Frames carry t < 0 before the first image, t > 1 past the
// last. The baseline continues the slerp's great circle over the same t.
ImagePath extrapolateImages(std::shared_ptr<const DiffusionModel> model, const at::Tensor& images, const ImagePipelineOptions& options,
                            const ExtrapolationOptions& extrapolation, const SolveControl& control = {}, const PipelineCallback& progress = {});

}  // namespace geo
