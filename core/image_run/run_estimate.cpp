#include "image_run/run_estimate.h"

#include <algorithm>
#include <cmath>
#include <cstdio>

#include "diffusion/diffusion_model.h"
#include "pipeline/image_pipeline_steps.h"
#include "pipeline/model_path_score.h"
#include "pipeline/textual_inversion.h"

namespace geo {

int previewPointsFor(const DiffusionModel& model, const ImageRunOptions& o) {
    if (o.cadence.points > 0) return std::max(2, o.cadence.points);
    return model.textConditioned() ? 5 : std::min(o.density.framesPerPair, 17);
}

RunPlan planDensityRun(const DiffusionModel& model, int keyframes, const ImageRunOptions& o) {
    const ImagePipelineOptions& d = o.density;
    const LatentBvpOptions& s = d.solver;
    const long long e = ModelPathScore::evaluationsPerPointOf(model);
    const int timestep = model.schedule().timestepForNoiseLevel(d.noiseLevel, d.ddimSteps);
    RunPlan p;
    p.pairs = o.extrapolate ? 1 : keyframes - 1;
    // Each level its budget: the iterations it may run before the schedule moves on, at most what the
    // run's own budget leaves.
    int left = s.maxIterations;
    for (int level = 1; level <= s.levels && left > 0; ++level) {
        const int iterations = std::min(s.iterationsPerLevel, left);
        p.solvePerPair += static_cast<long long>(iterations) * ((1LL << level) - 1) * e;
        left -= iterations;
    }
    if (s.method == LatentBvpMethod::Implicit) p.solvePerPair += 2 * e;  // the ends' scores
    const bool solves = !(o.extrapolate && o.extrapolation.fromDirection);
    long long frames = 0;
    if (o.extrapolate) {
        p.sides = o.extrapolation.past == ExtrapolationSide::Both ? 2 : 1;
        frames = (solves ? d.framesPerPair : 1) + static_cast<long long>(p.sides) * o.extrapolation.frames;
        p.shootPerSide = static_cast<long long>(o.extrapolation.frames) * o.extrapolation.stepsPerFrame * 4 * e;  // RK4
        p.evaluations.solve = p.sides * p.shootPerSide;
    } else {
        frames = static_cast<long long>(p.pairs) * (d.framesPerPair - 1) + 1;
    }
    if (solves) p.evaluations.solve += p.solvePerPair * p.pairs;
    else p.solvePerPair = 0;
    p.evaluations.inversion = static_cast<long long>(keyframes) * pipeline::inversionEvaluationsPerLatent(model, timestep, d);
    if (d.textualInversionSteps > 0)
        p.evaluations.inversion += static_cast<long long>(d.jointTextualInversion ? 1 : keyframes) * d.textualInversionSteps * TextualInversionOptions{}.batch;
    const long long perFrame = pipeline::decodeEvaluationsPerLatent(model, timestep, d);
    p.evaluations.decode = 2 * frames * perFrame;
    if (d.retime && !o.extrapolate) p.evaluations.decode += (frames - 1 - p.pairs) * perFrame;  // the interior frames again
    const long long knots = (1LL << s.levels) - 1;
    p.evaluations.measure = 2 * frames * e + (solves ? 2 * knots * e * p.pairs : 0);
    if (o.cadence.previews && solves) {
        p.evaluations.preview = previewPointsFor(model, o) * e * p.pairs;  // the slerp's, once per pair
    }
    return p;
}

void RunEstimator::observe(const PipelineProgress& p, std::chrono::steady_clock::time_point now) {
    const double part = p.total > 0 ? static_cast<double>(p.done) / p.total : 0;
    switch (p.stage) {
    case RunStage::Invert: inversion_ = std::llround(plan_.evaluations.inversion * part); break;
    case RunStage::Solve:
        if (p.solver && p.pair >= 0 && p.pair < plan_.pairs) {
            solveDone_[static_cast<size_t>(p.pair)] = p.solver->evaluations;
            solvingPair_ = p.pair;
        }
        break;
    case RunStage::Shoot:
        solvingPair_ = plan_.pairs;  // the shots come after the solve
        if (p.done < lastShotStep_) ++shotsEnded_;  // each shot counts its steps anew
        lastShotStep_ = p.done;
        shot_ = std::llround(plan_.shootPerSide * (shotsEnded_ + part));
        break;
    case RunStage::Decode:
        inversion_ = plan_.evaluations.inversion;
        solvingPair_ = plan_.pairs;  // every solve and shot has ended
        shot_ = plan_.sides * plan_.shootPerSide;
        decode_ = std::max(decode_, static_cast<long long>(std::llround(plan_.evaluations.decode * part)));
        break;
    case RunStage::Measure:
        decode_ = plan_.evaluations.decode;
        solvingPair_ = plan_.pairs;
        measure_ = std::llround(plan_.evaluations.measure * part);
        break;
    default: break;
    }
    const long long n = done();
    if (!started_ && n > 0) {
        started_ = true;
        first_ = now;
        doneAtFirst_ = n;  // the first call's evaluations were done before any time was measured
    }
    last_ = now;
}

long long RunEstimator::done() const {
    long long solved = 0;
    for (long long v : solveDone_) solved += v;
    return inversion_ + solved + shot_ + decode_ + measure_;
}

double RunEstimator::secondsPerEvaluation() const {
    const long long n = done() - doneAtFirst_;
    if (!started_ || n <= 0) return NAN;
    return std::chrono::duration<double>(last_ - first_).count() / static_cast<double>(n);
}

double RunEstimator::secondsLeft() const {
    const double rate = secondsPerEvaluation();
    if (!std::isfinite(rate)) return NAN;
    // The solve: a finished pair leaves nothing, the one being solved and those after it their budget;
    // then the shots past the ends.
    long long solveLeft = std::max(0LL, plan_.sides * plan_.shootPerSide - shot_);
    for (int q = std::max(0, solvingPair_); q < plan_.pairs; ++q)
        solveLeft += std::max(0LL, plan_.solvePerPair - solveDone_[static_cast<size_t>(q)]);
    const EvaluationsByStage& e = plan_.evaluations;
    const long long left = std::max(0LL, e.inversion - inversion_) + solveLeft + std::max(0LL, e.decode - decode_) + std::max(0LL, e.measure - measure_);
    return static_cast<double>(left) * rate;
}

std::string formatDuration(double seconds) {
    char buf[32];
    if (!std::isfinite(seconds)) return "?";
    if (seconds < 90) std::snprintf(buf, sizeof buf, "%.0f s", std::max(1.0, seconds));
    else if (seconds < 90 * 60) std::snprintf(buf, sizeof buf, "%.0f min", seconds / 60);
    else std::snprintf(buf, sizeof buf, "%.1f h", seconds / 3600);
    return buf;
}

}  // namespace geo
