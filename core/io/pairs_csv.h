#pragma once
// The pairs of an evaluation: a CSV with one pair of image files per line, "a,b" or "a,b,name"
// (paths relative to the CSV's folder; a header line "a,b…" and lines starting with '#' are skipped).
#include <filesystem>
#include <string>
#include <vector>

namespace geo {

struct ImagePair {
    int index = 0;  // 0-based, in file order
    std::filesystem::path a, b;
    std::string name;  // given, or "pair_0007"
};

std::vector<ImagePair> readPairsCsv(const std::filesystem::path& csv);  // InputError naming the line of a malformed entry

// "I/N" → (I, N) with 0 ≤ I < N; InputError otherwise.
std::pair<int, int> parseShard(const std::string& text);

}  // namespace geo
