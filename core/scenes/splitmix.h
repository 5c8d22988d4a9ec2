#pragma once
// splitmix64: a fully specified generator, so a seed gives the same scene on every machine (no
// std distributions, whose output differs between standard libraries).
#include <cstdint>

namespace geo {

struct SplitMix {
    uint64_t state;
    uint64_t next() {
        uint64_t z = (state += 0x9e3779b97f4a7c15ull);
        z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
        z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
        return z ^ (z >> 31);
    }
    double uniform(double lo, double hi) { return lo + (hi - lo) * (next() >> 11) * (1.0 / 9007199254740992.0); }
    int below(int n) { return static_cast<int>(next() % static_cast<uint64_t>(n)); }
};

}  // namespace geo
