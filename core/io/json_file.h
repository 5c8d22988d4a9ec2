#pragma once
// Reading a JSON file, with an InputError naming the file when it is unreadable or malformed.
#include <filesystem>

#include <nlohmann/json.hpp>

namespace geo {

nlohmann::json readJsonFile(const std::filesystem::path& path);

// v, or null when v is NaN or infinite (JSON has no such numbers).
nlohmann::json finiteOrNull(double v);

// j[key] from the file `file`, or an InputError naming both: a positive integer / positive number.
int positiveIntAt(const nlohmann::json& j, const char* key, const std::filesystem::path& file);
double positiveNumberAt(const nlohmann::json& j, const char* key, const std::filesystem::path& file);

}  // namespace geo
