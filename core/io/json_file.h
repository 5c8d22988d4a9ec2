#pragma once
// Reading a JSON file, with an InputError naming the file when it is unreadable or malformed, and
// reading its values with an InputError naming the file, the key and what was expected.
#include <filesystem>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace geo {

nlohmann::json readJsonFile(const std::filesystem::path& path);

// v, or null when v is NaN or infinite (JSON has no such numbers).
nlohmann::json finiteOrNull(double v);

// j[key] from the file `file`, or an InputError naming both: a positive integer / positive number.
int positiveIntAt(const nlohmann::json& j, const char* key, const std::filesystem::path& file);
double positiveNumberAt(const nlohmann::json& j, const char* key, const std::filesystem::path& file);

// j itself when it is an object; else an InputError: "FILE: the top level must be a JSON object, not an array".
const nlohmann::json& objectIn(const nlohmann::json& j, const std::filesystem::path& file);
// j[key] when present, the fallback when absent; an InputError naming file and key when of another type.
std::string stringOr(const nlohmann::json& j, const char* key, const std::string& fallback, const std::filesystem::path& file);
bool boolOr(const nlohmann::json& j, const char* key, bool fallback, const std::filesystem::path& file);
int intOr(const nlohmann::json& j, const char* key, int fallback, const std::filesystem::path& file);
// Refuses a key outside `known` (a misspelling would otherwise fall back to a default without a word),
// naming it, `where`, and the nearest known key when one is close.
void checkKnownKeys(const nlohmann::json& object, const std::vector<std::string>& known, const std::string& where);

}  // namespace geo
