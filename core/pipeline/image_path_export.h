#pragma once
// An ImagePath as files: DIR/frame_000.png … (the geodesic), DIR/baseline/frame_000.png … (the slerp
// baseline), DIR/strip.png (geodesic above baseline), and on request the JSON of every number, the
// latents as safetensors ("path" and "baseline", [F, C, H, W] float32 at the timestep), an animated
// GIF and an MP4. Everything is written into a staging folder first and moved into place only when
// all of it is complete, so a failure (a full disk, an unwritable target) leaves no partial output.
#include <filesystem>
#include <functional>
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
// One output file: its folder exists and is writable and it is not a folder; InputError naming it. A
// file directly inside exportFolder passes while that folder does not exist yet (the export makes it).
void checkOutputFile(const std::filesystem::path& file, const std::string& what, const std::filesystem::path& exportFolder = {});
void exportImagePath(const ImagePath& path, const ImagePathExport& e);

// Files written by `write` into a staging folder inside `folder` (created when missing) and moved to
// the destinations it lists only when all of them are written; on any failure the stage is removed
// and nothing is moved. (staged file, destination) pairs:
using StagedMoves = std::vector<std::pair<std::filesystem::path, std::filesystem::path>>;
void writeStaged(const std::filesystem::path& folder, const std::function<void(const std::filesystem::path& stage, StagedMoves& moves)>& write);
// Into a writeStaged stage: frames as folder/frame_000.png …, a second row of as many frames as
// folder/<row>/frame_000.png …, and folder/strip.png (the frames above the second row).
void stageFrameRows(const std::filesystem::path& stage, const std::filesystem::path& folder, const std::vector<RgbImage>& frames,
                    const std::string& row, const std::vector<RgbImage>& second, StagedMoves& moves);
// Into a writeStaged stage: every file exportImagePath writes, the JSON file (when e.json is set)
// holding `json`.
void stageImagePath(const ImagePath& path, const ImagePathExport& e, const nlohmann::json& json, const std::filesystem::path& stage,
                    StagedMoves& moves);
// Frames [N, 3, S, S] in [−1, 1] as 8-bit images.
std::vector<RgbImage> framesOf(const at::Tensor& frames);

}  // namespace geo
