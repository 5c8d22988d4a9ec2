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

// Progress on standard error: redrawn in place on a terminal; in a log (a pipe or file), whole lines,
// one when `key` (the stage) changes and one per tenth of `total`, so logs stay readable.
class ProgressLine {
public:
    ProgressLine();
    void show(const std::string& line, const std::string& key = {}, int done = 0, int total = 0);
    void finish();  // ends a line redrawn in place
    void note(const std::string& line);  // a line of its own, after any line redrawn in place

private:
    bool tty_;
    bool open_ = false;
    std::string lastKey_;
    int lastDecile_ = -1;
};

inline double secondsSince(std::chrono::steady_clock::time_point start) {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

}  // namespace cli
