#include "image_options.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <memory>

#include "cli_values.h"
#include "image_run/run_estimate.h"

namespace cli {

void addSolveOptions(CLI::App* c, ImageOptions& o, bool framesArePairs) {
    addModelOptions(*c, o.model);
    c->add_option("--noise-level", o.noiseLevel, "where the path lives, as a fraction of the DDIM grid (0.6 = timestep 581)");
    c->add_option(framesArePairs ? "--frames" : "--pair-frames", o.frames, "frames per pair of images, both images included (default 17)");
    c->add_option("--alpha", o.alpha, "score scale α: ∇log p ≈ α·s (default: 0.02 for the shipped model, 0.002 for Stable Diffusion)")
        ->each([&o](const std::string&) { o.alphaGiven = true; });
    c->add_option("--solver", o.solver, "implicit (implicit curvature, length-checked steps; default for the shipped model) or published (the reference code's explicit update; default for Stable Diffusion)")
        ->check(CLI::IsMember({"published", "implicit"}));
    c->add_option("--iterations", o.iterations, "iteration budget of the bisection schedule (default 400)");
    c->add_flag("--no-early-switch", o.noEarlySwitch, "published solver: run every level to its iteration threshold");
    c->add_option("--levels", o.levels, "bisection levels: 1, 3, 7, 15 … control points (default 4)");
    c->add_option("--lr", o.learningRate, "initial learning rate lr0 (default 0.1)");
    c->add_option("--schedule", o.schedule, "learning-rate schedule: linear, constant, cosine, polynomial")
        ->check(CLI::IsMember({"linear", "constant", "cosine", "polynomial"}));
    c->add_option("--jitter", o.jitter, "timestep jitter ρ of the solver's score (0: none; default 100 for Stable Diffusion, 0 otherwise)")
        ->each([&o](const std::string&) { o.jitterGiven = true; });
    c->add_option("--ddim-steps", o.ddimSteps, "steps of the full DDIM grid: where the noise level lands, and the published inversion and decoding (default 50)");
    c->add_option("--sampling", o.sampling,
                  "how frames come down from the path's timestep: dpm-solver (DPM-Solver++, few steps), published (DDIM on the grid, as the "
                  "paper), or auto (published with --solver published, else dpm-solver; the default)")
        ->check(CLI::IsMember({"auto", "published", "dpm-solver"}));
    c->add_option("--decode-steps", o.decodeSteps, "dpm-solver sampling: DPM-Solver++ steps from each frame down to its image (default 6)")
        ->check(CLI::Range(1, 1000));
    c->add_option("--inversion-steps", o.inversionSteps,
                  "dpm-solver sampling: invert the images with DPM-Solver++ in N steps instead of the published DDIM (nearer the flow's exact "
                  "inverse: other endpoints, another geodesic)")
        ->check(CLI::Range(1, 1000));
    c->add_option("--seed", o.seed, "seed of the score's jitter (the same seed gives the same frames)");
    c->add_option("--prompt", o.prompts, "text-conditioned models: one prompt for all images, or one per image")->expected(1, -1)->take_all();
    c->add_option("--negative", o.negative, "negative prompt (default: the published one)")->each([&o](const std::string&) { o.negativeGiven = true; });
    c->add_option("--textual-inversion", o.textualInversion,
                  "Stable Diffusion: optimise each image's prompt embedding for STEPS steps first (published: 500; cached on disk)");
    c->add_flag("--retime", o.retime, "re-time the frames to equal steps of 1 − SSIM (a stand-in for LPIPS)");
}

geo::ImagePipelineOptions pipelineOptions(const ImageOptions& o, const geo::DiffusionModel& model) {
    geo::ImagePipelineOptions p = geo::defaultPipelineOptions(model);
    p.noiseLevel = o.noiseLevel;
    p.framesPerPair = o.frames;
    p.ddimSteps = o.ddimSteps;
    p.sampling = geo::parseSampling(o.sampling);
    if (o.inversionSteps > 0) p.inversionSteps = o.inversionSteps;
    if (o.decodeSteps > 0) p.decodeSteps = o.decodeSteps;
    if (o.alphaGiven) p.solver.alpha = o.alpha;
    if (o.jitterGiven) p.jitterRange = o.jitter;
    if (!o.solver.empty()) p.solver.method = geo::parseLatentBvpMethod(o.solver);
    p.solver.maxIterations = o.iterations;
    p.solver.earlySwitch = !o.noEarlySwitch;
    p.solver.levels = o.levels;
    p.solver.learningRate = o.learningRate;
    p.solver.schedule = geo::parseLearningRateSchedule(o.schedule);
    p.seed = o.seed;
    p.prompts = o.prompts;
    if (o.negativeGiven) p.negative = o.negative;
    p.retime = o.retime;
    p.textualInversionSteps = o.textualInversion;
    return p;
}

geo::ImageRunOptions runOptions(const ImageOptions& o, const geo::DiffusionModel& model, bool extrapolate) {
    geo::ImageRunOptions r = geo::defaultImageRunOptions(model);
    r.density = pipelineOptions(o, model);
    r.geometry = geo::parseGeometry(o.geometry);
    r.spacetimeSteps = o.spacetimeSteps;
    r.spacetimeProbes = o.spacetimeProbes;
    r.extrapolate = extrapolate;
    r.extrapolation.past = geo::parseExtrapolationSide(o.past);
    r.extrapolation.length = o.length;
    r.extrapolation.frames = o.extraFrames;
    r.extrapolation.stepsPerFrame = o.stepsPerFrame;
    r.extrapolation.fromDirection = o.fromDirection;
    r.cadence.previews = false;  // nobody looks at them here
    r.cadence.map = false;
    r.keyframeNames = o.images;
    return r;
}

namespace {

std::string secondsText(double seconds) {
    char buf[40];
    std::snprintf(buf, sizeof buf, seconds < 0.1 ? "%.1f ms" : "%.2f s", seconds < 0.1 ? seconds * 1000 : seconds);
    return buf;
}

std::string solveLine(int pair, int pairs, int level, int iteration, int iterations, double residual, long long evaluations) {
    char buf[200];
    std::snprintf(buf, sizeof buf, "solve pair %d/%d: level %d, iteration %d/%d, residual %.3f, %lld UNet evaluations", pair + 1, pairs, level,
                  iteration, iterations, residual, evaluations);
    return buf;
}

}  // namespace

geo::ImageRunCallback imageRunPrinter() {
    auto out = std::make_shared<cli::ProgressLine>();
    auto told = std::make_shared<bool>(false);
    return [out, told](const geo::ImageRunSnapshot& s) {
        const std::string stage = geo::stageName(s.stage);
        if (!*told && std::isfinite(s.secondsLeft)) {
            // As soon as the first network call has been timed: what the run plans and how long that takes here.
            const geo::EvaluationsByStage& e = s.plannedEvaluations;
            out->note("estimate: at most " + geo::formatDuration(s.secondsLeft) + " on this machine: " + std::to_string(e.total()) +
                      " UNet evaluations planned (inversion " + std::to_string(e.inversion) + ", solve at most " + std::to_string(e.solve) + ", decode " +
                      std::to_string(e.decode) + ", measure " + std::to_string(e.measure) + ") at " + secondsText(s.secondsPerEvaluation) + " each");
            *told = true;
        }
        std::string line = stage;
        if (s.stage == geo::RunStage::Solve) {
            line = solveLine(s.pair, s.pairs, s.level, s.done, s.total, s.residualMean, s.evaluations);
        } else if (s.stage == geo::RunStage::Spacetime) {
            char buf[200];
            const bool solving = s.spacetimeStage == geo::RunStage::Coarse || s.spacetimeStage == geo::RunStage::Fine;
            if (solving)
                std::snprintf(buf, sizeof buf, "spacetime pair %d/%d: %s step %d/%d, energy %.4g", s.pair + 1, s.pairs, geo::stageName(s.spacetimeStage).c_str(),
                              s.done, s.total, s.spacetimeEnergy);
            else
                std::snprintf(buf, sizeof buf, "spacetime pair %d/%d: %s %d/%d", s.pair + 1, s.pairs, geo::stageName(s.spacetimeStage).c_str(), s.done, s.total);
            line = buf;
        } else if (s.total > 0) {
            line += " " + std::to_string(s.done) + "/" + std::to_string(s.total);
        }
        if (std::isfinite(s.secondsLeft) && s.stage != geo::RunStage::Spacetime) line += ", at most " + geo::formatDuration(s.secondsLeft) + " left";
        out->show(line, stage + std::to_string(s.pair) + geo::stageName(s.spacetimeStage), s.done, s.total);
        if (s.stage == geo::RunStage::Measure) out->finish();
    };
}

// Progress on standard error (cli::ProgressLine).
geo::PipelineCallback progressPrinter() {
    auto out = std::make_shared<cli::ProgressLine>();
    return [out](const geo::PipelineProgress& p) {
        const std::string stage = geo::stageName(p.stage);
        std::string line = stage;
        if (p.stage == geo::RunStage::Solve && p.solver) {
            double mean = 0;
            for (double r : p.solver->residual) mean += r / std::max<size_t>(1, p.solver->residual.size());
            line = solveLine(p.pair, p.pairs, p.solver->level, p.done, p.total, mean, p.solver->evaluations);
        } else if (p.total > 0) {
            line += " " + std::to_string(p.done) + "/" + std::to_string(p.total);
        }
        out->show(line, stage + std::to_string(p.pair), p.done, p.total);
        if (p.stage == geo::RunStage::Measure) out->finish();
    };
}

}  // namespace cli
