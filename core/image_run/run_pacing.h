#pragma once
// How an image run paces what it shows (internal to image_run/): when a preview within a level or a
// pair is due, and the run's share done as a progress bar shows it.
#include <algorithm>
#include <chrono>

#include "image_run/image_run_options.h"

namespace geo {

using RunClock = std::chrono::steady_clock;

inline double secondsBetween(RunClock::time_point from, RunClock::time_point to) { return std::chrono::duration<double>(to - from).count(); }

// A preview is timely `cadence.seconds` after the last one, while previews have taken under
// `cadence.share` of the time since `since`.
class PreviewTimer {
public:
    PreviewTimer(const PreviewCadence& cadence, RunClock::time_point since, RunClock::time_point last)
        : cadence_(cadence), since_(since), last_(last) {}
    bool timely(RunClock::time_point now) const {
        return secondsBetween(last_, now) > cadence_.seconds && spent_ < cadence_.share * secondsBetween(since_, now);
    }
    // A preview ran from `from` to now.
    void record(RunClock::time_point from) {
        last_ = RunClock::now();
        spent_ += secondsBetween(from, last_);
    }

private:
    const PreviewCadence& cadence_;
    RunClock::time_point since_, last_;
    double spent_ = 0;
};

// Where a part of the run sits in its progress bar: start + share · (the part's own 0 … 1). Stages
// repeat their counts (re-timing decodes again, extrapolation shoots after the solve, the fine
// spacetime phase counts its steps anew), so the share shown never goes back.
class RunShare {
public:
    RunShare(double start, double share) : start_(start), share_(share), shown_(start) {}
    double advance(double own) { return shown_ = std::max(shown_, start_ + share_ * own); }

private:
    double start_, share_, shown_;
};

}  // namespace geo
