#pragma once
// A spacetime geodesic between images as files, written like an image path (image_path_export.h:
// staged, nothing partial on failure): DIR/frame_000.png … (the decoded posterior means),
// DIR/noisy/frame_000.png … (the curve points DDIM-decoded), DIR/strip.png, DIR/points.safetensors
// ("points", the latents [N, C, H, W] at their own λ), the JSON (DIR/spacetime.json unless
// `e.json` names another file) and on request a GIF and an MP4 of the means.
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "pipeline/image_path_export.h"
#include "pipeline/spacetime_images.h"

namespace geo {

// `images`: the names of the images the path joins, for the JSON.
nlohmann::json spacetimePathJson(const SpacetimeImagePath& path, const std::vector<std::string>& images);
// Into a writeStaged stage (or a folder inside one, created here): every file exportSpacetimePath
// writes, its JSON holding `json`.
void stageSpacetimePath(const SpacetimeImagePath& path, const ImagePathExport& e, const nlohmann::json& json, const std::filesystem::path& stage,
                        StagedMoves& moves);
void exportSpacetimePath(const SpacetimeImagePath& path, const ImagePathExport& e, const std::vector<std::string>& images);

}  // namespace geo
