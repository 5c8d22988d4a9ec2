#pragma once
// The stages of the image pipelines and of an image run, as every progress report names them
// (torch-free, so that the GUI's snapshots carry it as it is).
#include <string>

namespace geo {

enum class RunStage {
    Encode,            // images → latents
    TextualInversion,  // text models: each keyframe's prompt embedding optimised
    Invert,            // DDIM-inverted to the path's noise level
    Solve,             // the density boundary-value solve of a pair
    Shoot,             // extrapolation: the geodesic ODE past an end
    Decode,            // frames DDIM-decoded
    Retime,            // frames re-timed by 1 − SSIM
    Measure,           // densities, lengths, residuals along the frames
    Optimise,          // video analysis: the frame path optimised
    Coarse,            // spacetime: the solve at 16 points
    Fine,              // spacetime: the warm-started solve at the full point count
    Frames,            // spacetime: posterior means and curve points decoded
    Spacetime,         // an image run's spacetime geodesic of a pair (its own stages inside)
};

// "encode", "textual inversion", "invert", "solve", "shoot", "decode", "retime", "measure",
// "optimise", "coarse", "fine", "frames", "spacetime".
std::string stageName(RunStage stage);

}  // namespace geo
