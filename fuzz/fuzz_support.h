#pragma once
// What every fuzz target shares: the input as a file where the program reads files (the real
// readers, not a copy of them), and the rule every reader promises: bad input ends in an InputError
// (one clear line). Any other exception escapes to the fuzzer as a finding, as would a crash.
#include <unistd.h>

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <filesystem>
#include <fstream>
#include <string>
#include <string_view>

#include "common/errors.h"

namespace fuzz {

// A folder of this process's own under the temporary directory (fuzzers may run side by side).
inline const std::filesystem::path& scratch() {
    static const std::filesystem::path dir = [] {
        const std::filesystem::path d = std::filesystem::temp_directory_path() / ("geodesic-fuzz-" + std::to_string(::getpid()));
        std::filesystem::create_directories(d);
        return d;
    }();
    return dir;
}

inline std::filesystem::path writeFile(const std::string& name, std::string_view bytes) {
    const std::filesystem::path p = scratch() / name;
    std::ofstream(p, std::ios::binary | std::ios::trunc).write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
    return p;
}

// Runs f; an InputError is the promised outcome for bad input. Anything else aborts with its message.
template <typename F>
int expectInputErrorsOnly(F&& f) {
    try {
        f();
    } catch (const geo::InputError&) {
    } catch (const std::exception& e) {
        std::fprintf(stderr, "not an InputError: %s\n", e.what());
        std::abort();
    }
    return 0;
}

inline std::string_view text(const uint8_t* data, size_t size) { return {reinterpret_cast<const char*>(data), size}; }

}  // namespace fuzz
