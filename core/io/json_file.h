#pragma once
// Reading a JSON file, with an InputError naming the file when it is unreadable or malformed.
#include <filesystem>

#include <nlohmann/json.hpp>

namespace geo {

nlohmann::json readJsonFile(const std::filesystem::path& path);

}  // namespace geo
