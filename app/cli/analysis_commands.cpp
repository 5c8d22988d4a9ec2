#include "analysis_commands.h"

#include <cmath>
#include <cstdio>
#include <iostream>
#include <memory>

#include "cli_values.h"
#include "common/errors.h"
#include "image_options.h"
#include "io/frame_sequence.h"
#include "nn/image_tensor.h"
#include "pipeline/analysis_export.h"

namespace cli {

namespace {

struct AnalysisOptions {
    ImageOptions solve;  // model, noise level, α, DDIM steps, seed, prompt
    std::string input, json, plot, out, perturbations = "0.25,0.5,1";
    int iterations = 200, samplePoints = 8, maxFrames = 256, minIterations = 50;
    double stopFactor = 2;
    bool noModel = false, noDecode = false;
};

void addAnalysisModelOptions(CLI::App* c, AnalysisOptions& o) {
    addModelOptions(*c, o.solve.model);
    c->add_option("--noise-level", o.solve.noiseLevel, "where the frames' path lives, as a fraction of the DDIM grid (0.6 = timestep 581)");
    c->add_option("--alpha", o.solve.alpha, "score scale α: ∇log p ≈ α·s (default: 0.02 for the shipped model, 0.002 for Stable Diffusion)")
        ->each([&o](const std::string&) { o.solve.alphaGiven = true; });
    c->add_option("--ddim-steps", o.solve.ddimSteps, "steps of the full DDIM grid for inversion and decoding (default 50)");
    c->add_option("--seed", o.solve.seed, "seed of the optimisation's frame choice and the perturbations");
    c->add_option("--prompt", o.solve.prompts, "text-conditioned models: the one prompt of every frame")->expected(1);
    c->add_option("--textual-inversion", o.solve.textualInversion,
                  "Stable Diffusion: optimise the prompt's embedding over all frames together for STEPS steps first (§7; published: 500; cached on disk)");
    c->add_option("--max-frames", o.maxFrames, "refuse sequences longer than this (default 256)");
}

geo::ImagePipelineOptions analysisPipeline(const AnalysisOptions& o, const geo::DiffusionModel& model) {
    if (o.solve.textualInversion < 0) throw geo::InputError("--textual-inversion must be 0 or more steps");
    geo::ImagePipelineOptions p = pipelineOptions(o.solve, model);
    if (!o.solve.jitterGiven) p.jitterRange = 0;  // the analysis's scores are the deterministic ones unless asked
    return p;
}

void printSequence(const geo::SequenceMeasures& m, const std::string& source) {
    std::printf("%s: %d frames\n", source.c_str(), m.frames);
    for (const geo::StepStatistics& s : m.steps)
        std::printf("  steps by %s: sum %.4f, mean/eps^2 %.2f (eps %.4f), variance %.3g, std %.4f, 1 - Gini %.4f\n", s.distance.c_str(), s.sum,
                    s.scaledMean, s.epsilon, s.variance, s.standardDeviation, s.smoothness);
    if (m.densityMeasured)
        std::printf("  density: log length %.4f, lowest log density below the ends %.4f, mean residual %.4f (ratio %.4f)\n", m.logLength,
                    m.lowestLogDensity, m.meanResidual, m.meanResidualRatio);
    if (m.withModel) {
        if (std::isfinite(m.latentFrechet))
            std::printf("  latent Frechet distance, %d in-between frames against %d keyframes: %.3f\n", m.frechetFrames, m.frechetKeyframes, m.latentFrechet);
    }
    std::printf("  (no LPIPS, Inception or TOPIQ weights here: PPL, PDV, ISTD, FID and TOPIQ are not reported; see the JSON's notes)\n");
}

int runVideoAnalysis(const AnalysisOptions& o) {
    if (o.json.empty()) throw geo::InputError("--json FILE is required: where the analysis's numbers go");
    const std::vector<double> sizes = [&] {
        const Eigen::VectorXd v = parseNumbers(o.perturbations, "--perturbations", 0, "SIZE,SIZE,…");
        return std::vector<double>(v.data(), v.data() + v.size());
    }();
    const geo::FrameSequence probe = geo::readFrameSequence(o.input, 8, o.maxFrames);  // fails before the model loads
    if (probe.frames.size() < 3) throw geo::InputError(o.input + " holds " + std::to_string(probe.frames.size()) + " frames; the analysis needs 3 or more");
    const auto model = loadModel(o.solve.model);
    std::cerr << "model " << model->describe() << '\n';
    const geo::FrameSequence seq = geo::readFrameSequence(o.input, model->imageSize(), o.maxFrames);
    for (const std::string& w : seq.warnings) std::fprintf(stderr, "geodesic-cli: note: %s\n", w.c_str());
    geo::VideoAnalysisOptions va = geo::defaultVideoAnalysisOptions(*model);
    va.pipeline = analysisPipeline(o, *model);
    va.optimise.iterations = o.iterations;
    va.optimise.samplePoints = o.samplePoints;
    va.optimise.minIterations = o.minIterations;
    va.optimise.stopFactor = o.stopFactor;
    va.perturbations = sizes;
    va.decode = !o.noDecode && !o.out.empty();
    const geo::VideoAnalysis a = geo::analyseVideo(model, geo::imagesToTensor(seq.frames), va, {}, progressPrinter());
    emitJson(geo::videoAnalysisJson(a), o.json);
    if (!o.plot.empty()) geo::writeResidualPlot(a, o.plot);
    if (va.decode) geo::exportVideoAnalysis(a, o.out);
    std::printf("%s: %zu frames at timestep %d, alpha %g; %d optimisation iterations (%s), %lld UNet evaluations, %.1f s\n", o.input.c_str(),
                seq.frames.size(), a.timestep, a.alpha, a.iterations, a.stoppedByRule ? "stopped by the rule" : "budget spent",
                a.unetEvaluations, a.seconds);
    for (const geo::AnalysedPath& p : a.paths)
        std::printf("  %-16s mean |r| %9.4f  ratio %.4f  log length %9.4f\n", p.name.c_str(), p.terms.meanResidual, p.terms.meanRatio, p.terms.logLength);
    if (a.ruleFirstHeld > 0) std::printf("  the stop rule (%g·|term1| < |term2|) first held at iteration %d\n", o.stopFactor, a.ruleFirstHeld);
    std::printf("  %s\n", a.summary.verdict.c_str());
    return 0;
}

int runMetrics(const AnalysisOptions& o) {
    if (o.json.empty()) throw geo::InputError("--json FILE is required: where the metrics go");
    const geo::FrameSequence probe = geo::readFrameSequence(o.input, 0, o.maxFrames);
    for (const std::string& w : probe.warnings) std::fprintf(stderr, "geodesic-cli: note: %s\n", w.c_str());
    std::shared_ptr<geo::DiffusionModel> model;
    geo::ImagePipelineOptions p;
    if (!o.noModel) {
        model = loadModel(o.solve.model);
        std::cerr << "model " << model->describe() << '\n';
        p = analysisPipeline(o, *model);
    }
    const geo::SequenceMeasures m = geo::measureSequence(probe.frames, probe.keyframes, model, p, {}, progressPrinter());
    nlohmann::json j = geo::sequenceMeasuresJson(m);
    j["source"] = o.input;
    j["frame_names"] = probe.names;
    emitJson(j, o.json);
    printSequence(m, o.input);
    return 0;
}

}  // namespace

void addAnalysisCommands(CLI::App& app, std::function<int()>& run) {
    auto v = std::make_shared<AnalysisOptions>();
    auto* vc = app.add_subcommand("video-analysis", "is a video a geodesic of the model? Residuals of the video, the path optimised from it, and perturbed, smoothed and slerp paths");
    vc->add_option("video", v->input, "a folder of frames (name order), a video file OpenCV reads, or a path JSON")->required();
    addAnalysisModelOptions(vc, *v);
    vc->add_option("--json", v->json, "JSON file of every number (required)");
    vc->add_option("--plot", v->plot, "PNG of log10 |r| against t for every path");
    vc->add_option("--out", v->out, "folder for the video's frames above the optimised path's (decoded), and strip.png");
    vc->add_option("--iterations", v->iterations, "iteration budget of the optimisation from the video (default 200; it stops earlier when 2|term1| < |term2|)");
    vc->add_option("--stop-factor", v->stopFactor, "stop when FACTOR·mean|term1| < mean|term2| (published: 2; 0: run the whole budget)");
    vc->add_option("--min-iterations", v->minIterations, "iterations before the stop rule is checked (default 50; 0: the published behaviour)");
    vc->add_option("--sample-points", v->samplePoints, "frames moved per iteration (path_sample_num, default 8)");
    vc->add_option("--perturbations", v->perturbations, "noise norms of the perturbed paths, in mean steps between frames (default 0.25,0.5,1)");
    vc->add_option("--jitter", v->solve.jitter, "timestep jitter of the optimisation's score (default 0)")->each([v](const std::string&) { v->solve.jitterGiven = true; });
    vc->callback([&run, v] { run = [v] { return runVideoAnalysis(*v); }; });

    auto m = std::make_shared<AnalysisOptions>();
    auto* mc = app.add_subcommand("metrics", "sequence metrics of a folder of frames or an exported path JSON: step statistics, density measures, latent Fréchet distance");
    mc->add_option("frames", m->input, "a folder of frames (name order), a video file, or the JSON an interpolation wrote (its frames and keyframes)")->required();
    addAnalysisModelOptions(mc, *m);
    mc->add_flag("--no-model", m->noModel, "pixel and SSIM statistics only; no model is loaded");
    mc->add_option("--json", m->json, "JSON file of every number (required)");
    mc->callback([&run, m] { run = [m] { return runMetrics(*m); }; });
}

}  // namespace cli
