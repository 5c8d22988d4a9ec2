#include "image_commands.h"

#include <atomic>
#include <cmath>
#include <csignal>
#include <cstdio>
#include <iostream>
#include <memory>

#include "cli_values.h"
#include "common/errors.h"
#include "image_options.h"
#include "model_options.h"
#include "nn/image_tensor.h"
#include "image_run/image_run_export.h"

namespace cli {

namespace {

std::atomic<bool> interrupted{false};

void addShared(CLI::App* c, ImageOptions& o, bool framesArePairs) {
    addSolveOptions(c, o, framesArePairs);
    c->add_option("images", o.images, "images of any size and format OpenCV reads (centre-cropped and resized to the model's size)")->required();
    c->add_option("--out", o.out, "folder for frame_000.png …, baseline/ and strip.png (created when missing)")->required();
    c->add_option("--json", o.json, "JSON file with every number of the path and the baseline");
    c->add_option("--latents", o.latents, "safetensors file: 'path' and 'baseline' latents [frames, C, H, W] at the timestep");
    c->add_option("--gif", o.gif, "animated GIF of the frames");
    c->add_option("--mp4", o.mp4, "H.264 MP4 of the frames");
    c->add_option("--fps", o.fps, "frames per second of the GIF and MP4 (default 12)");
    c->add_option("--size", o.size, "size of the GIF and MP4 frames, WxH (default: the model's)");
    c->add_flag("--loop", o.loop, "GIF: loop forever");
    c->add_flag("--ping-pong", o.pingPong, "GIF and MP4: play forward, then backward");
    c->add_option("--hold", o.hold, "GIF and MP4: extra copies of every keyframe");
}

geo::AnimationOptions animationOptions(const ImageOptions& o) {
    geo::AnimationOptions a;
    a.fps = o.fps;
    a.loop = o.loop;
    a.pingPong = o.pingPong;
    a.hold = o.hold;
    if (!o.size.empty()) {
        int w = 0, h = 0;
        char x = 0, extra = 0;
        if (std::sscanf(o.size.c_str(), "%d%c%d%c", &w, &x, &h, &extra) != 3 || (x != 'x' && x != 'X') || w < 1 || h < 1 || w > 8192 || h > 8192)
            throw geo::InputError("--size must be WxH with sides in 1 … 8192, not \"" + o.size + "\"");
        a.width = w, a.height = h;
    }
    return a;
}

geo::ImagePathExport exportOptions(const ImageOptions& o) {
    geo::ImagePathExport e;
    e.folder = o.out;
    e.json = o.json;
    e.latents = o.latents;
    e.gif = o.gif;
    e.mp4 = o.mp4;
    e.animation = animationOptions(o);
    return e;
}

// What can be checked without the model: counts, ranges, that every image reads and every target can
// be written. A bad run stops here, before any minutes of work.
void checkBeforeLoading(const ImageOptions& o, int minImages, int maxImages) {
    const int n = static_cast<int>(o.images.size());
    if (n < minImages) throw geo::InputError("give at least " + std::to_string(minImages) + " images (got " + std::to_string(n) + ")");
    if (n > maxImages) throw geo::InputError("give exactly " + std::to_string(maxImages) + " images (got " + std::to_string(n) + ")");
    if (!(o.noiseLevel > 0 && o.noiseLevel < 1)) throw geo::InputError("--noise-level must lie in (0, 1)");
    if (o.frames < 2) throw geo::InputError("--frames must be 2 or more");
    if (o.textualInversion < 0) throw geo::InputError("--textual-inversion must be 0 or more steps");
    if (static_cast<int>(o.prompts.size()) > n)
        throw geo::InputError(std::to_string(o.prompts.size()) + " prompts for " + std::to_string(n) + " images: give one, or one per image");
    const geo::Geometry geometry = geo::parseGeometry(o.geometry);
    if (geo::solvesSpacetime(geometry)) {
        if (o.frames < 3 || o.frames > 1024) throw geo::InputError("--frames must lie in 3 … 1024 for a spacetime geodesic (one curve point per frame)");
        if (o.spacetimeSteps < 0) throw geo::InputError("--spacetime-steps must be 0 or more");
        if (o.spacetimeProbes < 1) throw geo::InputError("--spacetime-probes must be 1 or more");
    }
    geo::checkImageRunTargets(geometry, exportOptions(o));
    for (const std::string& path : o.images) geo::readImageAsSquare(path, 8);  // InputError naming an unreadable file
}


void printDensity(const geo::ImagePath& r, const ImageOptions& o) {
    for (const std::string& w : r.warnings) std::fprintf(stderr, "geodesic-cli: note: %s\n", w.c_str());
    std::printf("%s: %zu frames (%zu keyframes) at timestep %d, alpha %g, sphere radius %.3f\n", o.out.c_str(), r.t.size(), r.keyframes.size(),
                r.timestep, r.alpha, r.radius);
    std::printf("  geodesic: log length %.4f, residual %.4f (max %.4f), lowest log density %.4f\n", r.path.logLength, r.path.residualMean,
                r.path.residualMax, *std::min_element(r.path.logDensity.begin(), r.path.logDensity.end()));
    std::printf("  baseline: log length %.4f, residual %.4f (max %.4f), lowest log density %.4f\n", r.baseline.logLength, r.baseline.residualMean,
                r.baseline.residualMax, *std::min_element(r.baseline.logDensity.begin(), r.baseline.logDensity.end()));
    std::printf("  length ratio geodesic/baseline %.4f; %d iterations, %lld UNet evaluations, %.1f s\n", std::exp(r.path.logLength - r.baseline.logLength),
                r.iterations, r.evaluations.total(), r.seconds);
    const geo::EvaluationsByStage& e = r.evaluations;
    std::printf("  UNet evaluations by stage: inversion %lld, solve %lld, decode %lld, measure %lld, preview %lld (%s)\n", e.inversion, e.solve, e.decode,
                e.measure, e.preview, r.sampling.c_str());
}

void printSpacetime(const geo::SpacetimeRun& s, const std::string& folder) {
    const geo::SpacetimeImagePath& r = s.path;
    std::printf("%s: spacetime geodesic, %lld points, energy %.4g ± %.2g, Diffusion Edit Distance %.4g ± %.2g, lowest λ %.3g, %d steps (%s), "
                "%lld forward and %lld backward passes, %.1f s\n",
                folder.c_str(), static_cast<long long>(r.points.rows()), r.energy, r.energyError, r.editDistance, r.editDistanceError, r.lambdaMin, r.steps,
                r.stop.c_str(), r.forward, r.backward, s.seconds);
}

int runImageCommand(const ImageOptions& o, int minImages, int maxImages, bool extrapolate) {
    checkBeforeLoading(o, minImages, maxImages);
    const auto model = loadModel(o.model);
    std::cerr << "model " << model->describe() << '\n';
    const at::Tensor images = readImages(o.images, model->imageSize());
    const geo::ImageRunOptions options = runOptions(o, *model, extrapolate);
    interrupted = false;
    auto previous = std::signal(SIGINT, [](int) { interrupted = true; });
    geo::SolveControl control{&interrupted};
    try {
        const geo::ImageRunResult r = geo::runImages(model, images, options, control, imageRunPrinter());
        control.throwIfCancelled();  // a Ctrl+C after the last poll still writes nothing
        const geo::ImagePathExport e = exportOptions(o);
        geo::exportImageRun(r, e);
        std::signal(SIGINT, previous);
        if (r.density) printDensity(*r.density, o);
        if (r.spacetime) printSpacetime(*r.spacetime, geo::spacetimeTargets(r, e).folder.string());
    } catch (...) {
        std::signal(SIGINT, previous);
        throw;
    }
    return 0;
}

}  // namespace

void addImageCommands(CLI::App& app, std::function<int()>& run) {
    auto i = std::make_shared<ImageOptions>();
    auto* ic = app.add_subcommand("interpolate", "the density geodesic (or the spacetime one, or both) through two or more images, beside the slerp baseline");
    addShared(ic, *i, true);
    ic->add_option("--geometry", i->geometry,
                   "density (the density geodesic beside the slerp; default), spacetime (the Fisher–Rao geodesic through the images, "
                   "with its Diffusion Edit Distance) or both (the spacetime geodesic's files in OUT/spacetime/)")
        ->check(CLI::IsMember({"density", "spacetime", "both"}));
    ic->add_option("--spacetime-steps", i->spacetimeSteps, "spacetime: Adam steps at most per pair (default 200; the stopping rule may end sooner)");
    ic->add_option("--spacetime-probes", i->spacetimeProbes, "spacetime: Hutchinson probes averaged for the reported energy and distance (default 8)");
    ic->callback([&run, i] { run = [i] { return runImageCommand(*i, 2, 1 << 20, false); }; });

    auto e = std::make_shared<ImageOptions>();
    auto* ec = app.add_subcommand("extrapolate", "continue the geodesic between two images past the last (or first) one");
    addShared(ec, *e, false);
    ec->add_option("--past", e->past, "which end to continue past: last, first, both")->check(CLI::IsMember({"last", "first", "both"}));
    ec->add_option("--length", e->length, "how far to continue, in units of the pair's t (default 0.25: on the shipped model frames leave the scenes' look beyond about 0.3)");
    ec->add_option("--frames", e->extraFrames, "frames on each continued side (default 8)");
    ec->add_option("--steps-per-frame", e->stepsPerFrame, "RK4 steps between frames (default 4)");
    ec->add_flag("--from-direction", e->fromDirection, "shoot from the first image toward the second instead of continuing the solved pair");
    ec->callback([&run, e] { run = [e] { return runImageCommand(*e, 2, 2, true); }; });
}

}  // namespace cli
