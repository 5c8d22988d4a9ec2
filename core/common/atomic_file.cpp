#include "common/atomic_file.h"

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <random>
#include <string>

#include "common/errors.h"

namespace geo {

namespace fs = std::filesystem;

void writeFileAtomically(const fs::path& path, std::string_view bytes) {
    const fs::path folder = path.has_parent_path() ? path.parent_path() : fs::path(".");
    if (!fs::is_directory(folder))
        throw InputError("cannot write " + path.string() + ": folder " + folder.string() + " does not exist");

    std::random_device rd;
    const fs::path tmp = folder / ("." + path.filename().string() + ".tmp" + std::to_string(rd() % 1000000));
    std::FILE* f = std::fopen(tmp.c_str(), "wb");
    if (!f) throw InputError("cannot write " + path.string() + ": " + std::strerror(errno));
    const size_t written = std::fwrite(bytes.data(), 1, bytes.size(), f);
    const bool flushed = std::fflush(f) == 0;
    const int err = errno;
    const bool closed = std::fclose(f) == 0;
    if (written != bytes.size() || !flushed || !closed) {
        std::remove(tmp.c_str());
        throw InputError("cannot write " + path.string() + ": " + std::strerror(err ? err : EIO));
    }
    std::error_code ec;
    fs::rename(tmp, path, ec);
    if (ec) {
        std::remove(tmp.c_str());
        throw InputError("cannot write " + path.string() + ": " + ec.message());
    }
}

void ensureFolder(const fs::path& folder) {
    std::error_code ec;
    fs::create_directories(folder, ec);
    if (ec) throw InputError("cannot create folder " + folder.string() + ": " + ec.message());
}

}  // namespace geo
