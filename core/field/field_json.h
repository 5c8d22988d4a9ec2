#pragma once
// Fields from JSON:
//   {"type": "gmm", "weights": [...], "means": [[...], ...], "covariances": [[[...], ...], ...]}
//   {"type": "muller_brown", "temperature": 20}
#include <filesystem>
#include <memory>

#include <nlohmann/json_fwd.hpp>

#include "field/field.h"

namespace geo {

class GaussianMixture;

// Throws InputError with a message that names the key and the problem.
std::shared_ptr<const Field> parseField(const nlohmann::json& j);
// As parseField, with the file's name in front of every message; also malformed or unreadable files.
std::shared_ptr<const Field> loadFieldFile(const std::filesystem::path& path);

nlohmann::json readJsonFile(const std::filesystem::path& path);  // InputError on unreadable/malformed
nlohmann::json mixtureToJson(const GaussianMixture& gmm);

}  // namespace geo
