#include "io/pairs_csv.h"

#include <cstdio>
#include <fstream>

#include "common/errors.h"

namespace geo {

namespace {

std::string trim(const std::string& s) {
    const size_t a = s.find_first_not_of(" \t\r\""), b = s.find_last_not_of(" \t\r\"");
    return a == std::string::npos ? std::string() : s.substr(a, b - a + 1);
}

}  // namespace

std::vector<ImagePair> readPairsCsv(const std::filesystem::path& csv) {
    std::ifstream in(csv);
    if (!in) throw InputError(csv.string() + ": cannot be read");
    std::vector<ImagePair> pairs;
    std::string line;
    for (int number = 1; std::getline(in, line); ++number) {
        const std::string t = trim(line);
        if (t.empty() || t[0] == '#') continue;
        std::vector<std::string> cells;
        size_t start = 0;
        for (size_t comma; (comma = t.find(',', start)) != std::string::npos; start = comma + 1) cells.push_back(trim(t.substr(start, comma - start)));
        cells.push_back(trim(t.substr(start)));
        if (pairs.empty() && cells.size() >= 2 && cells[0] == "a" && cells[1] == "b") continue;  // header
        if (cells.size() < 2 || cells.size() > 3 || cells[0].empty() || cells[1].empty())
            throw InputError(csv.string() + ":" + std::to_string(number) + ": expected \"a,b\" or \"a,b,name\", got \"" + t + "\"");
        ImagePair p;
        p.index = static_cast<int>(pairs.size());
        p.a = csv.parent_path() / cells[0];
        p.b = csv.parent_path() / cells[1];
        char name[32];
        std::snprintf(name, sizeof name, "pair_%04d", p.index);
        p.name = cells.size() == 3 && !cells[2].empty() ? cells[2] : name;
        for (char c : p.name)
            if (c == '/' || c == '\\' || c == '\0') throw InputError(csv.string() + ":" + std::to_string(number) + ": a pair's name cannot hold a path separator");
        pairs.push_back(p);
    }
    if (pairs.empty()) throw InputError(csv.string() + " lists no pair");
    return pairs;
}

std::pair<int, int> parseShard(const std::string& text) {
    int i = -1, n = 0;
    char slash = 0, extra = 0;
    if (std::sscanf(text.c_str(), "%d%c%d%c", &i, &slash, &n, &extra) != 3 || slash != '/' || n < 1 || i < 0 || i >= n)
        throw InputError("--shard must be I/N with 0 ≤ I < N (the shard's 0-based index, as Slurm's and Kubernetes' array indices), not \"" + text + "\"");
    return {i, n};
}

}  // namespace geo
