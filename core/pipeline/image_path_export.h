#pragma once
// An ImagePath as files: DIR/frame_000.png … (the geodesic), DIR/baseline/frame_000.png … (the slerp
// baseline), DIR/strip.png (geodesic above baseline), and on request the JSON of every number, the
// latents as safetensors ("path" and "baseline", [F, C, H, W] float32 at the timestep), an animated
// GIF and an MP4. Everything is written into a staging folder first and moved into place only when
// all of it is complete, so a failure (a full disk, an unwritable target) leaves no partial output.
#include <filesystem>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "io/animation.h"
#include "pipeline/image_path.h"

namespace geo {

struct ImagePathExport {
    std::filesystem::path folder;                  // required
    std::filesystem::path json, latents, gif, mp4; // each optional (empty: not written)
    AnimationOptions animation;                    // GIF and MP4: fps, loop, ping-pong, hold, size
};

std::string frameFileName(int index);  // "frame_000.png"
nlohmann::json imagePathJson(const ImagePath& path);
// Checks that every target can be written before any work is done; InputError naming the one that cannot.
void checkExportTargets(const ImagePathExport& e);
void exportImagePath(const ImagePath& path, const ImagePathExport& e);

}  // namespace geo
