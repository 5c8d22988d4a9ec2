#pragma once
// Everything an image run takes besides the model and the images: which geometry, the density
// pipeline's options, the spacetime solve's budget, and how often to preview. Torch-free: the GUI's
// option widgets read and write this struct as it is, and `geodesic-cli interpolate` fills it from
// its flags, so both run exactly the same thing.
#include <string>
#include <vector>

#include "pipeline/image_pipeline_options.h"

namespace geo {

enum class Geometry { Density, Spacetime, Both };
Geometry parseGeometry(const std::string& name);  // "density", "spacetime", "both"; InputError otherwise
std::string geometryName(Geometry geometry);
inline bool solvesDensity(Geometry g) { return g != Geometry::Spacetime; }
inline bool solvesSpacetime(Geometry g) { return g != Geometry::Density; }

// What the run computes for someone watching: the path's previews cost no network evaluation, the
// slerp's one score per point once per pair; a front end that shows nothing turns them off.
struct PreviewCadence {
    bool previews = true;         // frames of the path being solved (PathPreview)
    bool map = true;              // the 2-D map of the pairs solved so far, with every solver snapshot
    int points = 0;               // previewed points per pair; 0: 5 for text models, else the frames per pair (17 at most)
    double seconds = 0.2;         // between previews within a level (a new pair or level always gets one); the path's cost nothing
    double share = 0.25;          // of the run's time, at most, spent on previews within a level
    double snapshotSeconds = 0.05;// between snapshots without a preview or a new stage
};

struct ImageRunOptions {
    Geometry geometry = Geometry::Density;
    ImagePipelineOptions density;     // also the spacetime solve's frames per pair, seed, DDIM grid and prompt
    bool extrapolate = false;         // density only: continue past an end instead of joining the keyframes
    ExtrapolationOptions extrapolation;
    int spacetimeSteps = 200;         // Adam steps at most per pair (the stopping rule may end sooner)
    int spacetimeProbes = 8;          // Hutchinson probes averaged for the reported energy and edit distance
    PreviewCadence cadence;
    std::vector<std::string> keyframeNames;  // for the exported JSON: the images' files (or names)
};

}  // namespace geo
