#pragma once
// One pair of an evaluation over many pairs: the density geodesic and the slerp baseline between two
// images, exported like any path (frames, baseline/, strip.png, path.json), both sequences' metrics,
// and last of all result.json, the marker that the pair is finished: a folder without it is a pair
// half done, redone from scratch on the next run.
#include <filesystem>
#include <memory>
#include <nlohmann/json.hpp>

#include "diffusion/diffusion_model.h"
#include "io/pairs_csv.h"
#include "pipeline/image_pipeline.h"

namespace geo {

extern const char* const kPairResultFile;  // "result.json"

bool pairFinished(const std::filesystem::path& folder);
// Runs the pair into `folder` (emptied first) and returns what result.json holds.
nlohmann::json evaluatePair(std::shared_ptr<const DiffusionModel> model, const ImagePair& pair, const std::filesystem::path& folder,
                            const ImagePipelineOptions& options, const SolveControl& control = {}, const PipelineCallback& progress = {});

}  // namespace geo
