#include "common/resources.h"

#include <cstdlib>
#include <vector>

#include "common/errors.h"

namespace geo {

std::filesystem::path defaultModelDir(const std::string& name) {
    namespace fs = std::filesystem;
    std::vector<fs::path> candidates;
    if (const char* env = std::getenv("GEODESIC_MODEL_DIR"); env && *env) candidates.emplace_back(env);
    std::error_code ec;
    const fs::path exe = fs::read_symlink("/proc/self/exe", ec);
    if (!ec) candidates.push_back(exe.parent_path().parent_path() / "share/geodesic-explorer/models" / name);
    candidates.push_back(fs::path(GEODESIC_SOURCE_DIR) / "resources/models" / name);
    std::string tried;
    for (const fs::path& c : candidates) {
        if (fs::is_directory(c)) return c;
        tried += (tried.empty() ? "" : ", ") + c.string();
    }
    throw InputError("no model \"" + name + "\" found (looked in " + tried + "); name one with --model DIR");
}

std::filesystem::path resourceFile(const std::string& relative) {
    namespace fs = std::filesystem;
    std::vector<fs::path> candidates;
    std::error_code ec;
    const fs::path exe = fs::read_symlink("/proc/self/exe", ec);
    if (!ec) candidates.push_back(exe.parent_path().parent_path() / "share/geodesic-explorer" / relative);
    candidates.push_back(fs::path(GEODESIC_SOURCE_DIR) / "resources" / relative);
    for (const fs::path& c : candidates)
        if (fs::is_regular_file(c)) return c;
    throw InputError("the shipped file " + relative + " is missing (looked in " + candidates.front().string() + " and " + candidates.back().string() + ")");
}

}  // namespace geo
