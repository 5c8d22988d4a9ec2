#pragma once
// The previews of one pair's solve (internal to core/pipeline). The path's come from what the solver
// evaluated anyway: its scores and denoised guesses x̂0 at the control points, x̂0 interpolated
// linearly in t between them and drawn through the keyframes' LatentRgbMap, the density from the
// scores along the control points: no network evaluation. The slerp's cost one deterministic score
// per point, once per pair, and the pair's two ends once (shared with the path's).
#include <memory>
#include <optional>
#include <vector>

#include "pipeline/image_pipeline_steps.h"

namespace geo::pipeline {

class PairPreviewer {
public:
    PairPreviewer(std::shared_ptr<const DiffusionModel> model, const Keyframes& k, int pair, const ImagePipelineOptions& o);
    PathPreview path(const LatentBvpSnapshot& s, const std::vector<double>& ts, const SolveControl& control);
    PathPreview baseline(const std::vector<double>& ts, const SolveControl& control);

private:
    struct Evaluated {
        Points x, scores, denoised;
    };
    Evaluated evaluate(const Points& x, const std::vector<double>& ts, const SolveControl& control, long long& evaluations) const;
    PathPreview draw(const std::vector<double>& knots, const Evaluated& at, const std::vector<double>& ts) const;

    std::shared_ptr<const DiffusionModel> model_;
    const Keyframes& k_;
    int pair_;
    const ImagePipelineOptions& o_;
    ModelPathScore score_;
    std::optional<Evaluated> ends_;  // rows: the keyframes at t = 0 and 1
};

}  // namespace geo::pipeline
