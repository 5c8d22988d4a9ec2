#include "pipeline/analysis_export.h"

#include <cmath>

#include "common/atomic_file.h"
#include "common/errors.h"
#include "io/json_file.h"
#include "pipeline/image_path_export.h"
#include "render/line_plot.h"

namespace geo {

namespace {


nlohmann::json stepsJson(const StepStatistics& s) {
    return {{"distance", s.distance},
            {"steps", s.steps},
            {"sum", s.sum},
            {"epsilon", s.epsilon},
            {"mean_over_epsilon_squared", s.scaledMean},
            {"variance", s.variance},
            {"standard_deviation", s.standardDeviation},
            {"one_minus_gini", s.smoothness},
            {"formulas", "sum and mean/eps^2: PPL's two forms; variance: PDV's; standard deviation: ISTD's; 1 - Gini: AID's smoothness; "
                         "here over the stated distance, not LPIPS"}};
}

}  // namespace

nlohmann::json frameTermsJson(const FrameTerms& f) {
    return {{"t", f.t},
            {"term1", f.term1},
            {"term2", f.term2},
            {"residual", f.residual},
            {"residual_ratio", f.ratio},
            {"angle_degrees", f.angle},
            {"log_density", f.logDensity},
            {"log_length", finiteOrNull(f.logLength)},
            {"mean_term1", f.meanTerm1},
            {"mean_term2", f.meanTerm2},
            {"mean_residual", f.meanResidual},
            {"mean_residual_ratio", f.meanRatio}};
}

nlohmann::json videoAnalysisJson(const VideoAnalysis& a) {
    nlohmann::json paths = nlohmann::json::array();
    for (const AnalysedPath& p : a.paths) {
        nlohmann::json j = frameTermsJson(p.terms);
        j["name"] = p.name;
        if (p.perturbation > 0) j["perturbation_in_mean_steps"] = p.perturbation;
        paths.push_back(j);
    }
    const VideoAnalysisSummary& s = a.summary;
    return {{"model", a.model},
            {"frames", a.video.defined() ? a.video.size(0) : 0},
            {"noise_level", a.noiseLevel},
            {"timestep", a.timestep},
            {"alpha", a.alpha},
            {"sphere_radius", a.radius},
            {"seed", a.seed},
            {"paths", paths},
            {"optimisation", {{"iterations", a.iterations}, {"stopped_by_rule", a.stoppedByRule}, {"rule", "2 * mean|term1| < mean|term2|"}, {"rule_first_held_at", a.ruleFirstHeld},
                              {"mean_residual_ratio_history", a.optimisationRatioHistory}}},
            {"summary", {{"residual_video_over_optimised", finiteOrNull(s.residualVideoOverOptimised)},
                         {"length_excess_percent", finiteOrNull(s.lengthExcessPercent)},
                         {"residual_least_perturbed_over_video", finiteOrNull(s.residualPerturbedOverVideo)},
                         {"residual_smoothed_over_video", finiteOrNull(s.residualSmoothedOverVideo)},
                         {"residual_slerp_over_video", finiteOrNull(s.residualSlerpOverVideo)},
                         {"video_beats_perturbations", s.videoBeatsPerturbations},
                         {"verdict", s.verdict}}},
            {"notes", {"term1 = P_V(s), term2 = P_V(A)/(alpha |V|^2), residual = |term1 + term2| in score units (density-geodesics.md 2.8); "
                       "means are over the interior frames; log densities are relative to the first frame, of exp(alpha log p)",
                       "perturbations add Gaussian noise of the stated norm, in mean distances between consecutive frames, to the interior frames"}},
            {"unet_evaluations", a.unetEvaluations},
            {"seconds", a.seconds},
            {"warnings", a.warnings}};
}

nlohmann::json sequenceMeasuresJson(const SequenceMeasures& m) {
    nlohmann::json steps = nlohmann::json::array();
    for (const StepStatistics& s : m.steps) steps.push_back(stepsJson(s));
    nlohmann::json j{{"frames", m.frames}, {"step_statistics", steps}, {"notes", m.notes}};
    if (m.withModel) {
        j["model"] = m.model;
        j["noise_level"] = m.noiseLevel;
        j["alpha"] = m.alpha;
    }
    if (m.densityMeasured)
        j["density"] = {{"log_length", finiteOrNull(m.logLength)},
                        {"lowest_log_density_below_ends", finiteOrNull(m.lowestLogDensity)},
                        {"mean_residual_ratio", m.meanResidualRatio},
                        {"mean_residual", m.meanResidual},
                        {"path", frameTermsJson(m.path)},
                        {"note", "the frames DDIM-inverted to the noise level as a video is; log densities of exp(alpha log p), relative"}};
    if (m.withModel) {
        j["latent_frechet_distance"] = {{"value", finiteOrNull(m.latentFrechet)},
                                        {"frames", m.frechetFrames},
                                        {"keyframes", m.frechetKeyframes},
                                        {"note", "between the in-between frames and the keyframes, in the autoencoder's scaled latents; a stand-in for FID, "
                                                 "not FID"}};
        j["unet_evaluations"] = m.unetEvaluations;
    }
    return j;
}

void writeResidualPlot(const VideoAnalysis& a, const std::filesystem::path& png) {
    static const uint8_t colours[][3] = {{20, 20, 20}, {220, 40, 40}, {240, 160, 40}, {200, 120, 200}, {150, 90, 200}, {40, 150, 220}, {60, 170, 80}};
    std::vector<PlotSeries> series;
    for (size_t i = 0; i < a.paths.size(); ++i) {
        const AnalysedPath& p = a.paths[i];
        PlotSeries s;
        s.label = p.name;
        const uint8_t* c = colours[std::min<size_t>(i, 6)];
        if (i >= 2 && p.perturbation > 0) c = colours[2 + std::min<size_t>(i - 2, 2)];
        s.red = c[0], s.green = c[1], s.blue = c[2];
        s.dashed = p.name == "slerp" || p.name == "smoothed";
        s.markers = i < 2;
        for (size_t k = 1; k + 1 < p.terms.t.size(); ++k) {
            s.x.push_back(p.terms.t[k]);
            s.y.push_back(p.terms.residual[k] > 0 ? std::log10(p.terms.residual[k]) : NAN);
        }
        series.push_back(s);
    }
    writeLinePlot(png, "Euler-Lagrange residual along each path (" + std::to_string(a.paths.empty() ? 0 : a.paths[0].terms.t.size()) + " frames)",
                  "t", "log10 |r|", series);
}

void exportVideoAnalysis(const VideoAnalysis& a, const std::filesystem::path& folder, const std::filesystem::path& json,
                         const std::filesystem::path& plot) {
    checkExportTargets({folder});
    checkOutputFile(json, "the analysis JSON", folder);
    checkOutputFile(plot, "the residual plot", folder);
    writeStaged(folder, [&](const std::filesystem::path& stage, StagedMoves& moves) {
        if (a.optimisedFrames.defined()) stageFrameRows(stage, folder, framesOf(a.video), "optimised", framesOf(a.optimisedFrames), moves);
        if (!json.empty()) {
            writeFileAtomically(stage / "analysis.json", videoAnalysisJson(a).dump(2) + "\n");
            moves.emplace_back(stage / "analysis.json", json);
        }
        if (!plot.empty()) {
            writeResidualPlot(a, stage / "residual.png");
            moves.emplace_back(stage / "residual.png", plot);
        }
    });
}

}  // namespace geo
