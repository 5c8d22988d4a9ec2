#pragma once
// The options of a density-geodesic solve between images, shared by `interpolate`, `extrapolate`
// and `batch`: the model, where the path lives, the solver and the text conditions.
#include <CLI/CLI.hpp>
#include <string>
#include <vector>

#include "model_options.h"
#include "image_run/image_run.h"
#include "pipeline/image_pipeline.h"

namespace cli {

struct ImageOptions {
    ModelOptions model;
    std::vector<std::string> images, prompts;
    std::string out, json, latents, gif, mp4, size, solver, schedule = "linear", negative, sampling = "auto";
    bool noEarlySwitch = false, negativeGiven = false, alphaGiven = false, jitterGiven = false, retime = false, loop = false, pingPong = false;
    double noiseLevel = 0.6, alpha = 0, fps = 12, learningRate = 0.1;
    int textualInversion = 0, inversionSteps = 0, decodeSteps = 0;  // 0: the pipeline's defaults
    int frames = 17, hold = 0, jitter = 0, iterations = 400, levels = 4, ddimSteps = 50;
    uint64_t seed = 0;
    // interpolate
    std::string geometry = "density";
    int spacetimeSteps = 200, spacetimeProbes = 8;
    // extrapolate
    std::string past = "last";
    double length = 0.25;
    int extraFrames = 8, stepsPerFrame = 4;
    bool fromDirection = false;
};

// Every option of the solve (not the images, nor the files written).
void addSolveOptions(CLI::App* c, ImageOptions& o, bool framesArePairs);
geo::ImagePipelineOptions pipelineOptions(const ImageOptions& o, const geo::DiffusionModel& model);
// An image run as `interpolate` (extrapolate false) or `extrapolate` asks for it: the same options
// the window builds from its controls.
geo::ImageRunOptions runOptions(const ImageOptions& o, const geo::DiffusionModel& model, bool extrapolate);
// Progress on standard error, one line per stage in a log.
geo::PipelineCallback progressPrinter();
geo::ImageRunCallback imageRunPrinter();

}  // namespace cli
