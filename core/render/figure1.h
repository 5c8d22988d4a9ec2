#pragma once
// Figure 1 of the density-geodesics paper, rendered without a display: (a) log p with contour
// lines and score arrows, (b) the straight segment and the geodesic over it, (c) the density along
// both against normalised arc length, with both lengths.
#include <filesystem>
#include <string>

#include "solver/density_bvp.h"
#include "toy/presets.h"

namespace geo {

struct Figure1Files {
    std::filesystem::path png, pathsCsv, fieldCsv, summaryJson;
};

// Writes figure1.png, figure1_paths.csv, figure1_field.csv and figure1.json into dir (created when
// missing), each atomically. Throws InputError when dir cannot be written.
Figure1Files writeFigure1(const ToyScene& scene, const std::filesystem::path& dir, const BvpOptions& options = {});

}  // namespace geo
