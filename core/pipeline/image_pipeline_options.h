#pragma once
// What the image pipelines take besides the model and the images (torch-free, so that the GUI's
// option widgets can hold it as it is).
#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "solver/latent_bvp.h"

namespace geo {

// Inverted keyframes kept between runs (an interactive front end re-solving the same images with
// another α or method need not encode and invert them again). Keyed by the model, the images' bytes
// and every option the inversion depends on; holds the last few. Safe to share between threads.
class KeyframeCache;
std::shared_ptr<KeyframeCache> makeKeyframeCache(int capacity = 4);

// The negative prompt of the published configuration (§3.2).
extern const char* const kPublishedNegativePrompt;

// How latents at τ* come down to images. "published": DDIM on the grid of ddimSteps (30 steps from
// τ* = 581), as the paper. "dpm-solver": DPM-Solver++(2M) in decodeSteps steps evenly spaced in
// log-SNR (docs/image-geodesics.md measures how few match the published decode). "auto": the
// published one with the published solver (so `--solver published` reproduces the paper), DPM-Solver++
// otherwise. The keyframes go up to τ* by the published DDIM inversion unless inversionSteps says
// otherwise: it sets the endpoints every geodesic joins.
enum class Sampling { Auto, Published, DpmSolver };
Sampling parseSampling(const std::string& name);  // "auto", "published", "dpm-solver"

struct ImagePipelineOptions {
    double noiseLevel = 0.6;     // τ* = the DDIM grid's timestep for it (0.6 → 581)
    int ddimSteps = 50;          // of the full grid; published inversion and decoding take the part up to τ*
    Sampling sampling = Sampling::Auto;
    int decodeSteps = 6;         // DPM-Solver++ steps from τ* down to the image (the fewest with end frames within 0.5 dB of DDIM-30's)
    int inversionSteps = 0;      // 0: DDIM on the grid (published); N: DPM-Solver++ in N steps (nearer the flow's exact inverse, other keyframes)
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

enum class ExtrapolationSide { Last, First, Both };
ExtrapolationSide parseExtrapolationSide(const std::string& name);  // "last", "first", "both"
std::string extrapolationSideName(ExtrapolationSide side);

struct ExtrapolationOptions {
    ExtrapolationSide past = ExtrapolationSide::Last;
    double length = 0.25;         // how far past the keyframe, in units of t (the pair spans t ∈ [0, 1])
    int frames = 8;               // frames on each extrapolated side
    int stepsPerFrame = 4;        // RK4 steps between frames
    bool fromDirection = false;   // shoot from the first image toward the second, without solving the pair
};

}  // namespace geo
