#pragma once
// Which progress reports a run passes on to someone watching: every one that starts a stage, ends a
// stage's count or brings something new (a preview), and otherwise at most one per interval, so a
// solver reporting each iteration does not flood a window.
#include <chrono>
#include <optional>

#include "pipeline/run_stage.h"

namespace geo {

class SnapshotThrottle {
public:
    explicit SnapshotThrottle(double intervalSeconds = 0.05) : interval_(intervalSeconds) {}
    // True when this report is to go out (and then counts as the last one sent).
    bool due(RunStage stage, bool endOfCount, bool bringsNew = false) {
        const auto now = std::chrono::steady_clock::now();
        const bool due = bringsNew || endOfCount || !last_ || *last_ != stage || !sent_ ||
                         std::chrono::duration<double>(now - *sent_).count() >= interval_;
        if (!due) return false;
        last_ = stage;
        sent_ = now;
        return true;
    }

private:
    double interval_;
    std::optional<RunStage> last_;
    std::optional<std::chrono::steady_clock::time_point> sent_;
};

}  // namespace geo
