#include "pipeline/pair_evaluation.h"

#include <chrono>
#include <cmath>

#include "common/atomic_file.h"
#include "common/errors.h"
#include "io/json_file.h"
#include "io/image_io.h"
#include "nn/image_tensor.h"
#include "pipeline/analysis_export.h"
#include "pipeline/image_path_export.h"
#include "pipeline/sequence_measures.h"

namespace fs = std::filesystem;

namespace geo {

const char* const kPairResultFile = "result.json";

bool pairFinished(const fs::path& folder) { return fs::is_regular_file(folder / kPairResultFile); }

namespace {


// The numbers a report compares, for one sequence.
nlohmann::json reportNumbers(const PathNumbers& n, const SequenceMeasures& m) {
    nlohmann::json j{{"log_length", finiteOrNull(n.logLength)},
                     {"lowest_log_density", finiteOrNull(*std::min_element(n.logDensity.begin(), n.logDensity.end()))},
                     {"residual", finiteOrNull(n.residualMean)},
                     {"latent_frechet", finiteOrNull(m.latentFrechet)}};
    for (const StepStatistics& s : m.steps) {
        const std::string key = s.distance == "pixel RMS" ? "pixel" : s.distance == "1 - SSIM" ? "ssim" : "latent";
        j[key + "_sum"] = s.sum;
        j[key + "_mean_over_eps2"] = s.scaledMean;
        j[key + "_variance"] = s.variance;
        j[key + "_one_minus_gini"] = s.smoothness;
    }
    return j;
}

}  // namespace

nlohmann::json evaluatePair(std::shared_ptr<const DiffusionModel> model, const ImagePair& pair, const fs::path& folder, const ImagePipelineOptions& options,
                            const SolveControl& control, const PipelineCallback& progress) {
    const auto start = std::chrono::steady_clock::now();
    std::error_code ec;
    fs::remove_all(folder, ec);  // a half-done pair starts over
    const std::vector<RgbImage> inputs{readImageAsSquare(pair.a, model->imageSize()), readImageAsSquare(pair.b, model->imageSize())};
    const ImagePath path = interpolateImages(model, imagesToTensor(inputs), options, control, progress);
    ImagePathExport e;
    e.folder = folder;
    e.json = folder / "path.json";
    exportImagePath(path, e);
    nlohmann::json result{{"pair", pair.index}, {"name", pair.name}, {"a", pair.a.string()}, {"b", pair.b.string()}, {"model", path.model},
                          {"noise_level", path.noiseLevel}, {"alpha", path.alpha}, {"solver", path.solver}, {"seed", path.seed},
                          {"frames", path.t.size()}, {"unet_evaluations", path.evaluations.total()}, {"iterations", path.iterations}};
    for (const auto& [name, frames, numbers] : {std::tuple{"geodesic", &path.frames, &path.path}, {"baseline", &path.baselineFrames, &path.baseline}}) {
        const SequenceMeasures m = measureSequence(framesOf(*frames), path.keyframes, model, options, control, {}, false);
        writeFileAtomically(folder / (std::string(name) + "_metrics.json"), sequenceMeasuresJson(m).dump(2) + "\n");
        result[name] = reportNumbers(*numbers, m);
    }
    result["seconds"] = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    control.throwIfCancelled();
    writeFileAtomically(folder / kPairResultFile, result.dump(2) + "\n");  // last: the pair is finished
    return result;
}

}  // namespace geo
