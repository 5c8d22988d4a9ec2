#pragma once
// The results of an evaluation over many pairs, merged from any number of shard folders (each pair
// folder's result.json) into a report: report.csv (one row per pair and path), summary.csv and
// report.md (per measure: geodesic and baseline mean and spread, and in how many pairs the geodesic
// is the better), timings.csv (wall seconds per pair; apart, so that the report itself depends on the
// results alone and a resumed or sharded run gives the same bytes), and plots.
#include <filesystem>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

namespace geo {

struct BatchReportFiles {
    std::filesystem::path csv, summary, markdown, timings;
    std::vector<std::filesystem::path> plots;
    int pairs = 0;
    std::vector<std::string> warnings;  // duplicate pairs across shards, unfinished pair folders
};

// Every <dir>/*/result.json of the given folders; InputError when none is found.
std::vector<nlohmann::json> collectPairResults(const std::vector<std::filesystem::path>& dirs, std::vector<std::string>& warnings);

BatchReportFiles writeBatchReport(const std::vector<nlohmann::json>& results, const std::filesystem::path& out);

}  // namespace geo
