#pragma once
// Where the program finds the model it ships: $GEODESIC_MODEL_DIR, then <prefix>/share/geodesic-explorer/
// models/<name> beside the installed executable, then resources/models/<name> in the source tree.
#include <filesystem>
#include <string>

namespace geo {

std::filesystem::path defaultModelDir(const std::string& name = "scenes64");  // InputError when none exists
// A shipped data file, found the same way: <prefix>/share/geodesic-explorer/<relative> beside the
// executable, then resources/<relative> in the source tree. InputError when neither exists.
std::filesystem::path resourceFile(const std::string& relative);

}  // namespace geo
