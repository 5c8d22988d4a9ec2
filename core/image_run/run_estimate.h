#pragma once
// What a density run will cost, told as soon as the first network call has been timed and refined
// while it runs (issue 23): the evaluations it plans per stage and the time they take at the rate
// measured in this run. Every stage's count is exact but the solve's, which is its iteration budget
// (each level its own; the solvers' level switches usually stop sooner), so the time is an upper
// estimate that tightens as levels finish. Internal to image_run/, and what its snapshots report.
#include <chrono>
#include <string>
#include <vector>

#include "image_run/image_run_options.h"
#include "pipeline/image_path.h"

namespace geo {

class DiffusionModel;

// Points per pair a run previews (PreviewCadence::points, 0 resolved for the model).
int previewPointsFor(const DiffusionModel& model, const ImageRunOptions& o);

struct RunPlan {
    EvaluationsByStage evaluations;  // solve: the iteration budget of every pair, and the shots past the ends
    long long solvePerPair = 0;
    int pairs = 1;
    long long shootPerSide = 0;      // extrapolation: the RK4 evaluations of one shot
    int sides = 0;                   // shots past an end (0: an interpolation)
};
RunPlan planDensityRun(const DiffusionModel& model, int keyframes, const ImageRunOptions& o);

// Follows a run's progress: the evaluations done so far (from each stage's count and the solver's own),
// the rate since the first one, and what the plan leaves.
class RunEstimator {
public:
    explicit RunEstimator(RunPlan plan) : plan_(std::move(plan)), solveDone_(static_cast<size_t>(plan_.pairs), 0) {}
    void observe(const PipelineProgress& p, std::chrono::steady_clock::time_point now);
    const RunPlan& plan() const { return plan_; }
    double secondsPerEvaluation() const;  // NaN before the first timed evaluation
    double secondsLeft() const;           // NaN while the rate is unknown

private:
    long long done() const;

    RunPlan plan_;
    std::vector<long long> solveDone_;
    int solvingPair_ = -1;  // plan_.pairs once every solve has ended
    long long inversion_ = 0, shot_ = 0, decode_ = 0, measure_ = 0;
    int shotsEnded_ = 0, lastShotStep_ = 0;
    bool started_ = false;
    std::chrono::steady_clock::time_point first_, last_;
    long long doneAtFirst_ = 0;
};

// "40 s", "14 min", "2.5 h".
std::string formatDuration(double seconds);

}  // namespace geo
