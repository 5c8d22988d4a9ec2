#pragma once
// Files are written under a temporary name in the destination folder and renamed when complete,
// so a crash, a cancel or a full disk never leaves a half-written file under the real name.
#include <filesystem>
#include <string_view>

namespace geo {

// Throws InputError naming the path when the folder is missing, unwritable or the disk is full.
void writeFileAtomically(const std::filesystem::path& path, std::string_view bytes);

// Creates the folder and its parents when missing; InputError naming it when that fails.
void ensureFolder(const std::filesystem::path& folder);

}  // namespace geo
