#pragma once
// Paths and solve reports in formats other programs open: JSON and CSV.
#include <string>

#include <nlohmann/json.hpp>

#include "toy/toy_solve.h"

namespace geo {

nlohmann::json pointsToJson(const Points& p);

// The `toy bvp` contract: points, length, straight_length, log_density, straight_log_density,
// el_residual, iterations, seconds (plus converged and the lengths' meaning).
nlohmann::json toyBvpJson(const ToyBvpOutcome& o);
// One row per point of both paths: path,index,s,x,y,...,log_density,density.
std::string toyBvpCsv(const ToyBvpOutcome& o);

// The `toy ivp` contract: points and log_density.
nlohmann::json toyIvpJson(const Points& path, const Eigen::VectorXd& logDensity);

}  // namespace geo
