#include "image_run/image_run_export.h"

#include <nlohmann/json.hpp>

#include "common/errors.h"
#include "pipeline/spacetime_export.h"

namespace geo {

namespace fs = std::filesystem;

ImagePathExport folderExport(const ImageRunResult& run, const fs::path& folder, bool json, bool gif, bool mp4, const AnimationOptions& animation) {
    const std::string name = run.density ? "path" : "spacetime";
    ImagePathExport e;
    e.folder = folder;
    if (json) e.json = folder / (name + ".json");
    if (gif) e.gif = folder / (name + ".gif");
    if (mp4) e.mp4 = folder / (name + ".mp4");
    e.animation = animation;
    return e;
}

ImagePathExport spacetimeTargets(const ImageRunResult& run, const ImagePathExport& e) {
    if (!run.density) return e;
    ImagePathExport s;
    s.folder = e.folder / "spacetime";
    s.json = s.folder / "spacetime.json";
    if (!e.gif.empty()) s.gif = s.folder / "spacetime.gif";
    if (!e.mp4.empty()) s.mp4 = s.folder / "spacetime.mp4";
    s.animation = e.animation;
    return s;
}

namespace {

// The run's JSON around the spacetime path's own (computed once for both files of "both").
nlohmann::json runJsonWith(const ImageRunResult& run, const nlohmann::json& spacetime) {
    if (!run.density) return spacetime;
    nlohmann::json j = imagePathJson(*run.density);
    if (run.spacetime) {
        j["spacetime"] = spacetime;
        j["spacetime"]["folder"] = "spacetime";
    }
    return j;
}

nlohmann::json spacetimeJsonOf(const ImageRunResult& run) {
    return run.spacetime ? spacetimePathJson(run.spacetime->path, run.keyframeNames) : nlohmann::json();
}

}  // namespace

void checkImageRunTargets(Geometry geometry, const ImagePathExport& e) {
    checkExportTargets(e);
    if (geometry == Geometry::Spacetime && !e.latents.empty())
        throw InputError("a latents file holds the density path's latents; the spacetime geodesic writes its points to points.safetensors");
    if (geometry == Geometry::Both && fs::exists(e.folder / "spacetime") && !fs::is_directory(e.folder / "spacetime"))
        throw InputError("output folder " + (e.folder / "spacetime").string() + " is a file");
}

std::vector<std::string> exportImageRun(const ImageRunResult& run, const ImagePathExport& e) {
    if (!run.density && !run.spacetime) throw InputError("there is no finished path to export");
    checkImageRunTargets(run.density && run.spacetime ? Geometry::Both : run.density ? Geometry::Density : Geometry::Spacetime, e);
    const nlohmann::json spacetime = spacetimeJsonOf(run), json = runJsonWith(run, spacetime);
    const ImagePathExport st = spacetimeTargets(run, e);
    writeStaged(e.folder, [&](const fs::path& stage, StagedMoves& moves) {
        if (run.density) stageImagePath(*run.density, e, json, stage, moves);
        if (run.spacetime) stageSpacetimePath(run.spacetime->path, st, spacetime, run.density ? stage / "spacetime" : stage, moves);
    });
    std::vector<std::string> written;
    const auto list = [&written](const ImagePathExport& x, const char* second) {
        const std::string f = x.folder.string();
        written.push_back(f + "/frame_*.png");
        written.push_back(f + "/" + second + "/");
        written.push_back(f + "/strip.png");
        for (const fs::path& file : {x.json, x.gif, x.mp4})
            if (!file.empty()) written.push_back(file.string());
    };
    if (run.density) list(e, "baseline");
    if (run.spacetime) list(st, "noisy");
    return written;
}

}  // namespace geo
