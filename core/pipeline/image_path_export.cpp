#include "pipeline/image_path_export.h"

#include <unistd.h>

#include <cmath>
#include <cstdio>

#include "common/atomic_file.h"
#include "common/errors.h"
#include "io/json_file.h"
#include "nn/image_tensor.h"
#include "nn/state_dict.h"

namespace geo {

namespace fs = std::filesystem;

std::string frameFileName(int index) {
    char name[32];
    std::snprintf(name, sizeof name, "frame_%03d.png", index);
    return name;
}

namespace {

// `folder`: the export's own folder, which is created if needed (checked by the caller).
void checkParent(const fs::path& file, const char* what, const fs::path& folder) {
    if (file.empty()) return;
    const fs::path parent = file.parent_path().empty() ? fs::path(".") : file.parent_path();
    if (parent.lexically_normal() == folder.lexically_normal() && !fs::exists(folder)) return;
    if (!fs::is_directory(parent)) throw InputError(std::string(what) + " " + file.string() + ": the folder " + parent.string() + " does not exist");
    if (::access(parent.c_str(), W_OK) != 0) throw InputError(std::string(what) + " " + file.string() + ": the folder is not writable");
    if (fs::is_directory(file)) throw InputError(std::string(what) + " " + file.string() + " is a folder");
}

}  // namespace

void checkOutputFile(const fs::path& file, const std::string& what, const fs::path& exportFolder) { checkParent(file, what.c_str(), exportFolder); }

namespace {

// Moves a finished file into place (rename; copy when the target is on another file system).
void moveInto(const fs::path& from, const fs::path& to) {
    std::error_code ec;
    fs::rename(from, to, ec);
    if (!ec) return;
    writeFileAtomically(to, [&] {
        std::FILE* f = std::fopen(from.c_str(), "rb");
        if (!f) throw InputError("cannot read back " + from.string());
        std::string bytes;
        char buf[1 << 16];
        size_t n;
        while ((n = std::fread(buf, 1, sizeof buf, f)) > 0) bytes.append(buf, n);
        std::fclose(f);
        return bytes;
    }());
}

nlohmann::json evaluationsByStageJson(const EvaluationsByStage& e) {
    return {{"inversion", e.inversion}, {"solve", e.solve}, {"decode", e.decode}, {"measure", e.measure}, {"preview", e.preview}};
}

}  // namespace

nlohmann::json imagePathJson(const ImagePath& p) {
    nlohmann::json frames = nlohmann::json::array();
    for (size_t i = 0; i < p.t.size(); ++i) frames.push_back(frameFileName(static_cast<int>(i)));
    const auto numbers = [](const PathNumbers& n) {
        return nlohmann::json{{"length", finiteOrNull(std::exp(n.logLength))}, {"log_length", finiteOrNull(n.logLength)},
                              {"log_density", n.logDensity}, {"residual", n.residualMean}, {"residual_max", n.residualMax}};
    };
    const nlohmann::json g = numbers(p.path), b = numbers(p.baseline);
    nlohmann::json j{{"frames", frames},
                     {"t", p.t},
                     {"keyframes", p.keyframes},
                     {"noise_level", p.noiseLevel},
                     {"timestep", p.timestep},
                     {"alpha", p.alpha},
                     {"sphere_radius", p.radius},
                     {"solver", p.solver},
                     {"sampling", p.sampling},
                     {"length", g["length"]},
                     {"log_length", g["log_length"]},
                     {"log_density", g["log_density"]},
                     {"residual", g["residual"]},
                     {"residual_max", g["residual_max"]},
                     {"baseline_length", b["length"]},
                     {"baseline_log_length", b["log_length"]},
                     {"baseline_log_density", b["log_density"]},
                     {"baseline_residual", b["residual"]},
                     {"baseline_residual_max", b["residual_max"]},
                     {"length_ratio", finiteOrNull(std::exp(p.path.logLength - p.baseline.logLength))},
                     {"iterations", p.iterations},
                     {"unet_evaluations", p.evaluations.total()},
                     {"unet_evaluations_by_stage", evaluationsByStageJson(p.evaluations)},
                     {"unet_evaluations_per_level", p.evaluationsPerLevel},
                     {"seconds", p.seconds},
                     {"seed", p.seed},
                     {"model", p.model},
                     {"density_note", "log-densities are relative to the first keyframe, of the tempered density exp(alpha * log p); "
                                      "the score is the deterministic one at the timestep"}};
    if (!p.retiming.empty()) j["retiming"] = p.retiming;
    if (!p.warnings.empty()) j["warnings"] = p.warnings;
    return j;
}

void checkExportTargets(const ImagePathExport& e) {
    if (e.folder.empty()) throw InputError("no output folder given");
    if (fs::exists(e.folder) && !fs::is_directory(e.folder)) throw InputError("output folder " + e.folder.string() + " is a file");
    const fs::path existing = fs::exists(e.folder) ? e.folder : (e.folder.parent_path().empty() ? fs::path(".") : e.folder.parent_path());
    if (!fs::is_directory(existing)) throw InputError("output folder " + e.folder.string() + ": its parent folder does not exist");
    if (::access(existing.c_str(), W_OK) != 0) throw InputError("output folder " + e.folder.string() + " is not writable");
    checkParent(e.json, "JSON file", e.folder);
    checkParent(e.latents, "latents file", e.folder);
    checkParent(e.gif, "GIF file", e.folder);
    checkParent(e.mp4, "MP4 file", e.folder);
    if (!(e.animation.fps > 0 && e.animation.fps <= 100)) throw InputError("frames per second must lie in (0, 100]");
    if (e.animation.hold < 0 || e.animation.hold > 100) throw InputError("frames held at a keyframe must lie in 0 … 100");
    if (e.animation.width < 0 || e.animation.height < 0 || e.animation.width > 8192 || e.animation.height > 8192)
        throw InputError("an output size must lie within 1 … 8192 on each side");
}

void writeStaged(const fs::path& folder, const std::function<void(const fs::path& stage, StagedMoves& moves)>& write) {
    ensureFolder(folder);
    const fs::path stage = folder / (".partial-" + std::to_string(::getpid()));
    std::error_code ec;
    fs::remove_all(stage, ec);
    try {
        ensureFolder(stage);
        StagedMoves moves;
        write(stage, moves);
        for (const auto& [from, to] : moves) {
            if (!to.parent_path().empty()) ensureFolder(to.parent_path());
            moveInto(from, to);
        }
    } catch (...) {
        fs::remove_all(stage, ec);
        throw;
    }
    fs::remove_all(stage, ec);
}

void stageFrameRows(const fs::path& stage, const fs::path& folder, const std::vector<RgbImage>& frames, const std::string& row,
                    const std::vector<RgbImage>& second, StagedMoves& moves) {
    ensureFolder(stage / row);
    for (size_t i = 0; i < frames.size(); ++i) {
        const std::string name = frameFileName(static_cast<int>(i));
        writePng(stage / name, frames[i]);
        writePng(stage / row / name, second[i]);
        moves.emplace_back(stage / name, folder / name);
        moves.emplace_back(stage / row / name, folder / row / name);
    }
    std::vector<RgbImage> both = frames;
    both.insert(both.end(), second.begin(), second.end());
    writePng(stage / "strip.png", tileImages(both, static_cast<int>(frames.size())));
    moves.emplace_back(stage / "strip.png", folder / "strip.png");
}

void stageImagePath(const ImagePath& p, const ImagePathExport& e, const nlohmann::json& json, const fs::path& stage, StagedMoves& moves) {
    const std::vector<RgbImage> frames = framesOf(p.frames);
    stageFrameRows(stage, e.folder, frames, "baseline", framesOf(p.baselineFrames), moves);
    const std::vector<RgbImage> sequence = animationSequence(frames, p.keyframes, e.animation);
    if (!e.gif.empty()) writeGif(stage / "animation.gif", sequence, e.animation), moves.emplace_back(stage / "animation.gif", e.gif);
    if (!e.mp4.empty()) writeMp4(stage / "animation.mp4", sequence, e.animation), moves.emplace_back(stage / "animation.mp4", e.mp4);
    if (!e.latents.empty()) {
        saveTensors(stage / "latents.safetensors", {{"path", p.latents}, {"baseline", p.baselineLatents}},
                    {{"timestep", std::to_string(p.timestep)}, {"alpha", std::to_string(p.alpha)}, {"noise_level", std::to_string(p.noiseLevel)},
                     {"sphere_radius", std::to_string(p.radius)}});
        moves.emplace_back(stage / "latents.safetensors", e.latents);
    }
    if (!e.json.empty()) {
        writeFileAtomically(stage / "path.json", json.dump(2) + "\n");
        moves.emplace_back(stage / "path.json", e.json);
    }
}

void exportImagePath(const ImagePath& p, const ImagePathExport& e) {
    checkExportTargets(e);
    writeStaged(e.folder, [&](const fs::path& stage, StagedMoves& moves) { stageImagePath(p, e, imagePathJson(p), stage, moves); });
}

std::vector<RgbImage> framesOf(const at::Tensor& frames) {
    std::vector<RgbImage> out;
    for (int64_t i = 0; i < frames.size(0); ++i) out.push_back(tensorToImage(frames[i]));
    return out;
}

}  // namespace geo
