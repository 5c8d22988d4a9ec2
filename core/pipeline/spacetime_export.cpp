#include "pipeline/spacetime_export.h"

#include <ATen/ATen.h>

#include "common/atomic_file.h"
#include "nn/state_dict.h"
#include "pipeline/model_path_score.h"

namespace geo {

nlohmann::json spacetimePathJson(const SpacetimeImagePath& r, const std::vector<std::string>& images) {
    nlohmann::json points = nlohmann::json::array();
    for (Eigen::Index i = 0; i < r.points.rows(); ++i) points.push_back({{"lambda", r.points(i, 0)}, {"frame", frameFileName(static_cast<int>(i))}});
    return {{"images", images},
            {"points", points},
            {"latents", "points.safetensors"},
            {"endpoint_timestep", r.timestep},
            {"energy", r.energy},
            {"energy_standard_error", r.energyError},
            {"length", r.length},
            {"edit_distance", r.editDistance},
            {"edit_distance_standard_error", r.editDistanceError},
            {"lambda_min", r.lambdaMin},
            {"negative_segments", r.negativeSegments},
            {"steps", r.steps},
            {"stopped", r.stop},
            {"evaluations", {{"forward", r.forward}, {"backward", r.backward}}},
            {"seconds", r.seconds},
            {"notes", "energy = (N - 1)/2 * sum of d_eta . d_mu (no clamp), length = edit_distance = sum of sqrt(max(0, d_eta . d_mu)); "
                      "frames: decoded posterior means; noisy/: the curve points DDIM-decoded from their own noise level"}};
}

void stageSpacetimePath(const SpacetimeImagePath& r, const ImagePathExport& e, const nlohmann::json& j, const std::filesystem::path& stage,
                        StagedMoves& moves) {
    ensureFolder(stage);
    const std::vector<RgbImage> means = framesOf(r.means), noisy = framesOf(r.noisy);
    stageFrameRows(stage, e.folder, means, "noisy", noisy, moves);
    saveTensors(stage / "points.safetensors", {{"points", pointsToLatents(r.points.rightCols(r.points.cols() - 1), r.latentShape)}},
                {{"endpoint_timestep", std::to_string(r.timestep)}, {"count", std::to_string(r.points.rows())}});
    moves.emplace_back(stage / "points.safetensors", e.folder / "points.safetensors");
    writeFileAtomically(stage / "spacetime.json", j.dump(2) + "\n");
    moves.emplace_back(stage / "spacetime.json", e.json.empty() ? e.folder / "spacetime.json" : e.json);
    if (!e.gif.empty()) writeGif(stage / "a.gif", means, e.animation), moves.emplace_back(stage / "a.gif", e.gif);
    if (!e.mp4.empty()) writeMp4(stage / "a.mp4", means, e.animation), moves.emplace_back(stage / "a.mp4", e.mp4);
}

void exportSpacetimePath(const SpacetimeImagePath& r, const ImagePathExport& e, const std::vector<std::string>& images) {
    checkExportTargets(e);
    const nlohmann::json j = spacetimePathJson(r, images);
    writeStaged(e.folder, [&](const std::filesystem::path& stage, StagedMoves& moves) { stageSpacetimePath(r, e, j, stage, moves); });
}

}  // namespace geo
