#pragma once
// What the latent-space density solvers ask of a model: the score at points of a path. A point's
// path parameter t is passed along because a text-conditioned model conditions each point on
// c(t) = (1 − t) c_A + t c_B. Estimators may be stochastic (timestep jitter, re-noising); `draw`
// names the random numbers, so the same draw gives the same scores (determinism) and all points of
// one iteration share their random numbers (common random numbers, pitfall 8 of §9).
#include <cstdint>
#include <memory>
#include <vector>

#include "field/field.h"
#include "common/solve_control.h"

namespace geo {

class PathScore {
public:
    static constexpr int64_t kDeterministic = -1;  // a draw that asks for the estimator without jitter

    virtual ~PathScore() = default;
    virtual int dim() const = 0;
    // One row of scores per row of x, in the estimator's own units (the solvers scale by α).
    virtual Points score(const Points& x, const std::vector<double>& t, int64_t draw, const SolveControl& control) const = 0;
    // Network evaluations per point of one score() call with this draw.
    virtual int evaluationsPerPoint(int64_t draw) const = 0;
    // The scores, and in `denoised` the estimator's one-step denoised guess x̂0 of each point from the
    // same evaluations (rows in the space of x; left empty by an estimator that has none): what a
    // preview draws the path from without evaluating the network again.
    virtual Points scoreAndDenoised(const Points& x, const std::vector<double>& t, int64_t draw, const SolveControl& control, Points& denoised) const {
        denoised = Points();
        return score(x, t, draw, control);
    }
};

// An exact field as a PathScore (t and draw are ignored): the yardstick for tests.
class FieldPathScore final : public PathScore {
public:
    explicit FieldPathScore(std::shared_ptr<const Field> field) : field_(std::move(field)) {}
    int dim() const override { return field_->dim(); }
    Points score(const Points& x, const std::vector<double>&, int64_t, const SolveControl& control) const override {
        control.throwIfCancelled();
        return field_->score(x);
    }
    int evaluationsPerPoint(int64_t) const override { return 1; }

private:
    std::shared_ptr<const Field> field_;
};

}  // namespace geo
