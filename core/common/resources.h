#pragma once
// Where the program finds the model it ships: $GEODESIC_MODEL_DIR, then <prefix>/share/geodesic-explorer/
// models/<name> beside the installed executable, then resources/models/<name> in the source tree.
#include <filesystem>
#include <string>

namespace geo {

std::filesystem::path defaultModelDir(const std::string& name = "scenes64");  // InputError when none exists

}  // namespace geo
