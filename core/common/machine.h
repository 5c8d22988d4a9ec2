#pragma once
// What the machine gives the networks: which BLAS `libblas.so.3` resolved to (Debian's alternatives
// choose among the reference netlib BLAS, OpenBLAS and others; float32 matrix products run ~100×
// slower on the reference one) and whether the CPU has the bfloat16 units oneDNN uses.
#include <string>

namespace geo {

struct BlasInfo {
    bool loaded = false;   // false in a process that links no BLAS (the torch-free programs)
    std::string path;      // the file libblas.so.3 resolved to
    std::string name;      // "OpenBLAS (OpenMP)", "reference BLAS (netlib)", …
    bool reference = false;
};
// The BLAS a resolved libblas.so.3 path is (Debian's alternatives' folders), as BlasInfo::name.
BlasInfo classifyBlas(const std::string& resolvedPath);
BlasInfo loadedBlas();

struct CpuFeatures {
    bool avx512bf16 = false, amx = false;
};
CpuFeatures cpuFeatures();  // from /proc/cpuinfo; none where it cannot be read

// "OpenBLAS (OpenMP); CPU with AVX-512 BF16": one line for model descriptions and `sd info`.
std::string machineSummary();
// Once per process, through notice(): a line saying the reference BLAS is in use and what to install.
void warnIfReferenceBlas();

}  // namespace geo
