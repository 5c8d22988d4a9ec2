#include "common/machine.h"

#include <link.h>

#include <atomic>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "common/notices.h"

namespace geo {

BlasInfo classifyBlas(const std::string& resolvedPath) {
    BlasInfo b;
    b.loaded = true;
    b.path = resolvedPath;
    const auto has = [&](const char* s) { return resolvedPath.find(s) != std::string::npos; };
    if (has("openblas-openmp")) b.name = "OpenBLAS (OpenMP)";
    else if (has("openblas-pthread")) b.name = "OpenBLAS (pthreads)";
    else if (has("openblas-serial")) b.name = "OpenBLAS (serial)";
    else if (has("openblas")) b.name = "OpenBLAS";
    else if (has("blis")) b.name = "BLIS";
    else if (has("atlas")) b.name = "ATLAS";
    else if (has("/blas/libblas.so")) b.name = "reference BLAS (netlib)", b.reference = true;
    else b.name = resolvedPath;
    return b;
}

BlasInfo loadedBlas() {
    std::string found;
    dl_iterate_phdr(
        [](dl_phdr_info* info, size_t, void* data) {
            const std::string name = info->dlpi_name ? info->dlpi_name : "";
            if (name.find("libblas.so.3") == std::string::npos) return 0;
            *static_cast<std::string*>(data) = name;
            return 1;
        },
        &found);
    if (found.empty()) return {};
    std::error_code ec;
    const std::filesystem::path real = std::filesystem::canonical(found, ec);
    return classifyBlas(ec ? found : real.string());
}

CpuFeatures cpuFeatures() {
    CpuFeatures f;
    std::ifstream in("/proc/cpuinfo");
    std::string line;
    while (std::getline(in, line)) {
        if (line.rfind("flags", 0) != 0) continue;
        std::istringstream words(line);
        for (std::string w; words >> w;) {
            if (w == "avx512_bf16") f.avx512bf16 = true;
            if (w == "amx_bf16") f.amx = true;
        }
        break;  // every core lists the same flags
    }
    return f;
}

std::string machineSummary() {
    const BlasInfo b = loadedBlas();
    const CpuFeatures c = cpuFeatures();
    std::string s = "matrix products: " + (b.loaded ? b.name : std::string("no BLAS loaded"));
    if (c.avx512bf16 || c.amx)
        s += std::string("; CPU with ") + (c.avx512bf16 ? "AVX-512 BF16" : "") + (c.avx512bf16 && c.amx ? " and " : "") + (c.amx ? "AMX" : "");
    return s;
}

void warnIfReferenceBlas() {
    static std::atomic<bool> warned{false};
    const BlasInfo b = loadedBlas();
    if (!b.reference || warned.exchange(true)) return;
    notice("matrix products run on the reference BLAS (" + b.path + "), about 100x slower than OpenBLAS: install libopenblas0-openmp");
}

}  // namespace geo
