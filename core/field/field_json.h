#pragma once
// Fields from JSON:
//   {"type": "gmm", "weights": [...], "means": [[...], ...], "covariances": [[[...], ...], ...]}
//   {"type": "muller_brown", "temperature": 20}
#include <filesystem>
#include <memory>
#include <string>

#include <nlohmann/json_fwd.hpp>

#include "field/field.h"

namespace geo {

class GaussianMixture;

// Throws InputError with a message that names the key and the problem.
std::shared_ptr<const Field> parseField(const nlohmann::json& j);
// As parseField, with `source` (a file's name) in front of every message.
std::shared_ptr<const Field> parseField(const nlohmann::json& j, const std::string& source);
// Reads and parses a field file; also malformed or unreadable files are InputErrors naming it.
std::shared_ptr<const Field> loadFieldFile(const std::filesystem::path& path);
nlohmann::json mixtureToJson(const GaussianMixture& gmm);

}  // namespace geo
