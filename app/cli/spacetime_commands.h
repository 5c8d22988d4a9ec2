#pragma once
// The spacetime commands of geodesic-cli: `spacetime bvp`, `spacetime pfode`, `spacetime edit-distance`,
// and transition-path sampling, `tps`.
#include <CLI/CLI.hpp>
#include <functional>
#include <nlohmann/json.hpp>

#include "spacetime/spacetime_energy.h"

namespace cli {

void addSpacetimeCommands(CLI::App& app, std::function<int()>& run);
void addTpsCommand(CLI::App& app, std::function<int()>& run);

// points ([x…, t] rows), energy in both conventions, length, the schedule and the time taken.
nlohmann::json spacetimePathJson(const geo::SpacetimePath& p, const geo::SpacetimeEnergy& e, double seconds);

}  // namespace cli
