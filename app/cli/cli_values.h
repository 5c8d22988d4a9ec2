#pragma once
// Values on geodesic-cli's command line and its JSON output, shared by the command groups.
#include <Eigen/Dense>
#include <chrono>
#include <nlohmann/json.hpp>
#include <string>

namespace cli {

// "1.5,-2,0.3" → numbers; InputError naming the option unless there are exactly `count` finite
// numbers (any count ≥ 1 when count is 0). `shape` is how the message writes the expected form.
Eigen::VectorXd parseNumbers(const std::string& text, const std::string& option, int count, const std::string& shape);

// To the file when one is named (atomically), else to standard output.
void emitJson(const nlohmann::json& j, const std::string& out);

inline double secondsSince(std::chrono::steady_clock::time_point start) {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

}  // namespace cli
