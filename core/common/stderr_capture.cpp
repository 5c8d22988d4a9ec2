#include "common/stderr_capture.h"

#include <unistd.h>

#include <cstdio>
#include <mutex>
#include <sstream>

#if defined(__SANITIZE_ADDRESS__)
#define GEODESIC_CAPTURE_STDERR 0
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define GEODESIC_CAPTURE_STDERR 0
#endif
#endif
#ifndef GEODESIC_CAPTURE_STDERR
#define GEODESIC_CAPTURE_STDERR 1
#endif

namespace geo {

bool standardErrorIsCaptured() { return GEODESIC_CAPTURE_STDERR; }

std::string captureStandardError(const std::function<void()>& f) {
    if (!standardErrorIsCaptured()) {
        f();
        return {};
    }
    static std::mutex mutex;
    const std::lock_guard lock(mutex);
    std::FILE* sink = std::tmpfile();
    std::fflush(stderr);
    const int saved = sink ? dup(STDERR_FILENO) : -1;
    if (saved < 0 || dup2(fileno(sink), STDERR_FILENO) < 0) {  // no capture possible: run as is
        if (saved >= 0) close(saved);
        if (sink) std::fclose(sink);
        f();
        return {};
    }
    auto restore = [&] {
        std::fflush(stderr);
        dup2(saved, STDERR_FILENO);
        close(saved);
    };
    try {
        f();
    } catch (...) {
        restore();
        std::fclose(sink);
        throw;
    }
    restore();
    std::string text;
    std::rewind(sink);
    char buffer[4096];
    while (const size_t n = std::fread(buffer, 1, sizeof buffer, sink)) {
        if (text.size() < 65536) text.append(buffer, n);
    }
    std::fclose(sink);
    return text;
}

void passOnExcept(const std::string& text, const std::vector<std::string>& prefixes) {
    std::istringstream in(text);
    for (std::string line; std::getline(in, line);) {
        bool known = line.empty();
        for (const std::string& p : prefixes) known = known || line.rfind(p, 0) == 0;
        if (!known) std::fprintf(stderr, "%s\n", line.c_str());
    }
}

}  // namespace geo
