#include "scene_commands.h"

#include <cstdio>
#include <filesystem>
#include <iostream>
#include <memory>
#include <nlohmann/json.hpp>

#include "cli_values.h"
#include "common/atomic_file.h"
#include "common/errors.h"
#include "scenes/painted_scene.h"
#include "scenes/scene.h"

namespace cli {

namespace {

struct SceneOptions {
    int count = 16;
    uint64_t seed = 0;
    std::string out;
    bool video = false;
    int frames = 16;
    int pairs = 0;
    int size = 64;
    std::string style = "generator";
};

std::string numbered(const char* prefix, int i, int digits) {
    char buf[64];
    std::snprintf(buf, sizeof buf, "%s%0*d", prefix, digits, i);
    return buf;
}

// A benchmark set: pair i is the first and the last frame of video seed + i (one object moved along a
// line on the floor), listed in pairs.csv for `batch`.
int runScenePairs(const SceneOptions& o) {
    geo::ensureFolder(o.out);
    std::string csv = "a,b,name\n";
    nlohmann::json index = nlohmann::json::array();
    cli::ProgressLine progress;
    for (int i = 0; i < o.pairs; ++i) {
        const uint64_t seed = o.seed + static_cast<uint64_t>(i);
        const std::string name = numbered("pair_", i, 4);
        const auto frames = geo::renderSceneVideo(seed, std::max(2, o.frames), o.size);
        geo::writePng(std::filesystem::path(o.out) / (name + "_a.png"), frames.front());
        geo::writePng(std::filesystem::path(o.out) / (name + "_b.png"), frames.back());
        csv += name + "_a.png," + name + "_b.png," + name + "\n";
        index.push_back({{"name", name}, {"seed", seed}, {"objects", geo::describeScene(geo::randomScene(seed))}});
        progress.show("pairs: " + std::to_string(i + 1) + "/" + std::to_string(o.pairs), "pairs", i + 1, o.pairs);
    }
    progress.finish();
    geo::writeFileAtomically(std::filesystem::path(o.out) / "pairs.csv", csv);
    geo::writeFileAtomically(std::filesystem::path(o.out) / "scenes.json", index.dump(2) + "\n");
    return 0;
}

int runScenes(const SceneOptions& o) {
    if (o.pairs < 0 || o.pairs > 1000000) throw geo::InputError("--pairs must lie in 0 … 1000000");
    if (o.pairs > 0 && (o.video || o.style != "generator")) throw geo::InputError("--pairs renders the generator's scenes as pairs; it takes no --video or --style");
    if (o.pairs > 0) return runScenePairs(o);
    if (o.count < 1 || o.count > 1000000) throw geo::InputError("--count must lie in 1 … 1000000");
    if (o.video && o.style != "generator") throw geo::InputError("--video renders the generator's scenes only");
    geo::ensureFolder(o.out);
    nlohmann::json index = nlohmann::json::array();
    cli::ProgressLine progress;
    for (int i = 0; i < o.count; ++i) {
        const uint64_t seed = o.seed + static_cast<uint64_t>(i);
        const std::string name = numbered(o.video ? "video_" : "scene_", i, 5);
        const geo::Scene scene = o.style == "random-world" ? geo::randomWorldScene(seed) : geo::randomScene(seed);  // a video starts from this scene
        if (o.style == "painted") {
            geo::writePng(std::filesystem::path(o.out) / (name + ".png"), geo::renderPaintedScene(seed, o.size));
            index.push_back({{"name", name}, {"seed", seed}, {"style", o.style}});
            continue;
        }
        if (o.video) {
            const std::filesystem::path folder = std::filesystem::path(o.out) / name;
            geo::ensureFolder(folder);
            const auto frames = geo::renderSceneVideo(seed, o.frames, o.size);
            for (size_t f = 0; f < frames.size(); ++f)
                geo::writePng(folder / (numbered("frame_", static_cast<int>(f), 3) + ".png"), frames[f]);
        } else {
            geo::writePng(std::filesystem::path(o.out) / (name + ".png"), geo::renderScene(scene, o.size));
        }
        index.push_back({{"name", name}, {"seed", seed}, {"objects", geo::describeScene(scene)}});
        progress.show("scenes: " + std::to_string(i + 1) + "/" + std::to_string(o.count), "scenes", i + 1, o.count);
    }
    progress.finish();
    geo::writeFileAtomically(std::filesystem::path(o.out) / "scenes.json", index.dump(2) + "\n");
    return 0;
}

}  // namespace

void addSceneCommands(CLI::App& app, std::function<int()>& run) {
    auto o = std::make_shared<SceneOptions>();
    auto* s = app.add_subcommand("scenes", "render CLEVR-like scenes (or, with --video, short videos) as PNG");
    s->add_option("--count", o->count, "how many scenes or videos");
    s->add_option("--seed", o->seed, "seed of the first; the i-th uses seed + i");
    s->add_option("--out", o->out, "output folder (created when missing)")->required();
    s->add_flag("--video", o->video, "write a folder of frames per scene, one object moving");
    s->add_option("--frames", o->frames, "frames per video");
    s->add_option("--pairs", o->pairs, "write N pairs (first and last frame of a video: one object moved) and pairs.csv, the benchmark set of `batch`");
    s->add_option("--size", o->size, "image side in pixels");
    s->add_option("--style", o->style,
                  "generator (the training world), random-world (floors, walls, lights and cameras varied), painted (another renderer)")
        ->check(CLI::IsMember({"generator", "random-world", "painted"}));
    s->callback([&run, o] { run = [o] { return runScenes(*o); }; });
}

}  // namespace cli
