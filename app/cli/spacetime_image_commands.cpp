#include "spacetime_image_commands.h"

#include <ATen/ATen.h>

#include <atomic>
#include <csignal>
#include <cstdio>
#include <iostream>
#include <memory>

#include "cli_values.h"
#include "common/atomic_file.h"
#include "common/errors.h"
#include "io/animation.h"
#include "model_options.h"
#include "nn/state_dict.h"
#include "pipeline/image_path_export.h"
#include "pipeline/model_path_score.h"
#include "pipeline/spacetime_export.h"

namespace cli {

namespace {

std::atomic<bool> interrupted{false};

struct SpacetimeImageCli {
    ModelOptions model;
    std::vector<std::string> images;
    std::string out, json, gif, mp4, csv, prompt;
    int points = 64, steps = 200, fineSteps = 100, probes = 8;
    double tMin = 0.4, fps = 12;
    uint64_t seed = 0;
};

// The other spacetime commands' time, λ = 10 − 20t: t-min 0.4 is the published λ = 2.
double lambdaOfT(double t) {
    if (!(t > 0 && t < 1)) throw geo::InputError("--t-min must lie in (0, 1)");
    return 10 - 20 * t;
}

geo::SpacetimeImageOptions optionsOf(const SpacetimeImageCli& c) {
    geo::SpacetimeImageOptions o;
    o.lambdaEnd = lambdaOfT(c.tMin);
    if (c.points < 3 || c.points > 1024) throw geo::InputError("--points must lie in 3 … 1024");
    geo::setCurvePoints(o, c.points, c.fineSteps);
    o.coarseSteps = c.steps;
    o.probes = c.probes;
    o.seed = c.seed;
    o.prompt = c.prompt;
    if (c.steps < 0 || c.fineSteps < 0 || c.probes < 1) throw geo::InputError("--steps, --fine-steps must be 0 or more and --probes 1 or more");
    return o;
}

void addShared(CLI::App* c, SpacetimeImageCli& o) {
    addModelOptions(*c, o.model);
    c->add_option("--t-min", o.tMin, "the endpoints' time, λ = 10 − 20t as in the other spacetime commands (default 0.4: λ = 2, the published t_min)");
    c->add_option("--points", o.points, "curve points (default 64, after a first solve at 16)");
    c->add_option("--steps", o.steps, "Adam steps at most at 16 points (default 200; the stopping rule may end sooner)");
    c->add_option("--fine-steps", o.fineSteps, "Adam steps at most at --points (default 100)");
    c->add_option("--probes", o.probes, "fresh Hutchinson probes averaged for the reported energy and length (default 8)");
    c->add_option("--seed", o.seed, "seed of the probes (the same seed gives the same curve)");
    c->add_option("--prompt", o.prompt, "text-conditioned models: the one (unguided) prompt");
}

template <typename Body>
int guarded(Body body) {
    interrupted = false;
    auto previous = std::signal(SIGINT, [](int) { interrupted = true; });
    try {
        const int rc = body(geo::SolveControl{&interrupted});
        std::signal(SIGINT, previous);
        return rc;
    } catch (...) {
        std::signal(SIGINT, previous);
        throw;
    }
}

int runImages(const SpacetimeImageCli& c) {
    if (c.images.size() != 2) throw geo::InputError("spacetime images takes exactly two images (got " + std::to_string(c.images.size()) + ")");
    const geo::SpacetimeImageOptions o = optionsOf(c);
    geo::ImagePathExport targets;  // checked before any work, written after
    targets.folder = c.out;
    targets.json = c.json;
    targets.gif = c.gif;
    targets.mp4 = c.mp4;
    targets.animation.fps = c.fps;
    geo::checkExportTargets(targets);
    const auto model = loadModel(c.model);
    std::cerr << "model " << model->describe() << '\n';
    const at::Tensor images = readImages(c.images, model->imageSize());
    return guarded([&](const geo::SolveControl& control) {
        ProgressLine line;
        const geo::SpacetimeImagePath r = geo::spacetimeBetweenImages(model, images, o, control, [&](const geo::SpacetimeImageProgress& p) {
            char text[160];
            const std::string stage = geo::stageName(p.stage);
            std::snprintf(text, sizeof text, "%s %d/%d%s", stage.c_str(), p.done, p.total,
                          p.points ? (", energy " + std::to_string(p.energy)).c_str() : "");
            line.show(text, stage, p.done, p.total);
        });
        line.finish();
        control.throwIfCancelled();
        geo::exportSpacetimePath(r, targets, c.images);
        std::printf("%s: %lld points, energy %.4g ± %.2g, length (edit distance) %.4g ± %.2g, lowest λ %.3g, %d steps (%s), %lld forward and %lld backward passes, %.1f s\n",
                    c.out.c_str(), static_cast<long long>(r.points.rows()), r.energy, r.energyError, r.length, r.editDistanceError, r.lambdaMin, r.steps, r.stop.c_str(),
                    r.forward, r.backward, r.seconds);
        return 0;
    });
}

int runDistance(const SpacetimeImageCli& c) {
    if (c.images.size() < 2) throw geo::InputError("a distance matrix needs two or more images");
    const geo::SpacetimeImageOptions o = optionsOf(c);
    geo::checkOutputFile(c.json, "JSON file");
    geo::checkOutputFile(c.csv, "CSV file");
    const auto model = loadModel(c.model);
    std::cerr << "model " << model->describe() << '\n';
    const at::Tensor images = readImages(c.images, model->imageSize());
    return guarded([&](const geo::SolveControl& control) {
        const size_t n = c.images.size();
        std::vector<std::vector<double>> ded(n, std::vector<double>(n, 0.0)), error(n, std::vector<double>(n, 0.0));
        nlohmann::json pairs = nlohmann::json::array();
        ProgressLine line;
        for (size_t a = 0; a < n; ++a)
            for (size_t b = a + 1; b < n; ++b) {
                line.show("pair " + c.images[a] + " – " + c.images[b], std::to_string(a) + "," + std::to_string(b));
                const at::Tensor two = at::stack({images[static_cast<int64_t>(a)], images[static_cast<int64_t>(b)]});
                const geo::SpacetimeImagePath r = geo::spacetimeBetweenImages(model, two, o, control);
                ded[a][b] = ded[b][a] = r.editDistance;
                pairs.push_back({{"a", c.images[a]}, {"b", c.images[b]}, {"edit_distance", r.editDistance}, {"edit_distance_standard_error", r.editDistanceError}, {"energy", r.energy}, {"stopped", r.stop},
                                 {"energy_standard_error", r.energyError}, {"lambda_min", r.lambdaMin},
                                 {"evaluations", {{"forward", r.forward}, {"backward", r.backward}}}, {"seconds", r.seconds}});
            }
        line.finish();
        control.throwIfCancelled();
        const nlohmann::json j{{"names", c.images}, {"edit_distance", ded}, {"pairs", pairs},
                               {"notes", "symmetric by construction: each pair is solved once, from the first image to the second"}};
        if (!c.csv.empty()) {
            std::string csv = "image";
            for (const std::string& name : c.images) csv += "," + name;
            csv += "\n";
            for (size_t a = 0; a < n; ++a) {
                csv += c.images[a];
                for (size_t b = 0; b < n; ++b) csv += "," + std::to_string(ded[a][b]);
                csv += "\n";
            }
            geo::writeFileAtomically(c.csv, csv);
        }
        emitJson(j, c.json);
        return 0;
    });
}

}  // namespace

void addSpacetimeImageCommands(CLI::App& app, std::function<int()>& run) {
    CLI::App* st = app.get_subcommand("spacetime");
    auto i = std::make_shared<SpacetimeImageCli>();
    auto* ic = st->add_subcommand("images", "the spacetime (Fisher-Rao) geodesic between two images through a diffusion model, and their edit distance");
    ic->add_option("images", i->images, "two images of any size and format OpenCV reads")->required();
    ic->add_option("--out", i->out, "folder for frame_000.png … (posterior means), noisy/, strip.png, points.safetensors, spacetime.json")->required();
    ic->add_option("--json", i->json, "the JSON elsewhere than DIR/spacetime.json");
    ic->add_option("--gif", i->gif, "animated GIF of the posterior means");
    ic->add_option("--mp4", i->mp4, "H.264 MP4 of the posterior means");
    ic->add_option("--fps", i->fps, "frames per second of the GIF and MP4 (default 12)");
    addShared(ic, *i);
    ic->callback([&run, i] { run = [i] { return runImages(*i); }; });

    auto d = std::make_shared<SpacetimeImageCli>();
    auto* dc = st->add_subcommand("distance", "the Diffusion Edit Distance between every pair of two or more images (a symmetric matrix)");
    dc->add_option("images", d->images, "two or more images")->required();
    dc->add_option("--json", d->json, "the matrix with its row and column names, and every pair's numbers (default: standard output)");
    dc->add_option("--csv", d->csv, "the matrix as CSV, with row and column names");
    addShared(dc, *d);
    d->points = 16;  // a distance wants the length, not the frames: one solve at 16 points by default
    dc->callback([&run, d] { run = [d] { return runDistance(*d); }; });
}

}  // namespace cli
