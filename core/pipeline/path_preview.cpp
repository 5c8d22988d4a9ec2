#include "pipeline/path_preview.h"

#include <ATen/ATen.h>
#include <algorithm>

#include "common/errors.h"
#include "measures/latent_path_measures.h"

namespace geo::pipeline {

namespace {

// Rows at knots (ascending t) → rows at ts, linear between neighbouring knots.
Points interpolateRows(const std::vector<double>& knots, const Points& rows, const std::vector<double>& ts) {
    Points out(static_cast<Eigen::Index>(ts.size()), rows.cols());
    for (size_t i = 0; i < ts.size(); ++i) {
        const double t = std::clamp(ts[i], knots.front(), knots.back());
        const size_t hi = std::min<size_t>(knots.size() - 1, std::max<size_t>(1, std::upper_bound(knots.begin(), knots.end(), t) - knots.begin()));
        const double w = knots[hi] > knots[hi - 1] ? (t - knots[hi - 1]) / (knots[hi] - knots[hi - 1]) : 0;
        out.row(static_cast<Eigen::Index>(i)) = (1 - w) * rows.row(static_cast<Eigen::Index>(hi - 1)) + w * rows.row(static_cast<Eigen::Index>(hi));
    }
    return out;
}

std::vector<double> interpolateValues(const std::vector<double>& knots, const Eigen::VectorXd& values, const std::vector<double>& ts) {
    const Points v = interpolateRows(knots, values, ts);
    return std::vector<double>(v.data(), v.data() + v.size());
}

}  // namespace

PairPreviewer::PairPreviewer(std::shared_ptr<const DiffusionModel> model, const Keyframes& k, int pair, const ImagePipelineOptions& o)
    : model_(std::move(model)), k_(k), pair_(pair), o_(o), score_(pairScore(model_, k, pair, o)) {}

PairPreviewer::Evaluated PairPreviewer::evaluate(const Points& x, const std::vector<double>& ts, const SolveControl& control,
                                                 long long& evaluations) const {
    Evaluated e;
    e.x = x;
    e.scores = score_.scoreAndDenoised(x, ts, PathScore::kDeterministic, control, e.denoised);
    evaluations += x.rows() * score_.evaluationsPerPoint(PathScore::kDeterministic);
    return e;
}

PathPreview PairPreviewer::draw(const std::vector<double>& knots, const Evaluated& at, const std::vector<double>& ts) const {
    PathPreview r;
    r.t = ts;
    const LatentPathMeasures m = measureLatentPath(at.x, at.scores, o_.solver.alpha, o_.solver.sphere);
    r.logDensity = interpolateValues(knots, m.logDensity, ts);
    r.logLength = m.logLength;
    r.frames = k_.previewMap.apply(rowsToLatents(interpolateRows(knots, at.denoised, ts), *model_));
    return r;
}

PathPreview PairPreviewer::baseline(const std::vector<double>& ts, const SolveControl& control) {
    if (ts.empty()) return {};
    const Eigen::VectorXd a = k_.points.row(pair_).transpose(), b = k_.points.row(pair_ + 1).transpose();
    Points x(static_cast<Eigen::Index>(ts.size()), a.size());
    for (size_t i = 0; i < ts.size(); ++i) x.row(static_cast<Eigen::Index>(i)) = slerp(a, b, ts[i]).transpose();
    long long evaluations = 0;
    const Evaluated e = evaluate(x, ts, control, evaluations);
    if (!ends_ && ts.front() == 0 && ts.back() == 1) {
        const Eigen::Index last = x.rows() - 1;
        ends_ = Evaluated{x(std::vector<Eigen::Index>{0, last}, Eigen::all), e.scores(std::vector<Eigen::Index>{0, last}, Eigen::all),
                          e.denoised(std::vector<Eigen::Index>{0, last}, Eigen::all)};
    }
    PathPreview r = draw(ts, e, ts);
    r.evaluations = evaluations;
    return r;
}

PathPreview PairPreviewer::path(const LatentBvpSnapshot& s, const std::vector<double>& ts, const SolveControl& control) {
    if (ts.empty()) return {};
    if (!s.evaluated || !s.scores || !s.denoised || s.denoised->rows() != s.evaluated->rows())
        throw std::logic_error("a path preview needs the solver's scores and denoised guesses");
    long long evaluations = 0;
    if (!ends_) {
        Points x(2, k_.points.cols());
        x << k_.points.row(pair_), k_.points.row(pair_ + 1);
        ends_ = evaluate(x, {0.0, 1.0}, control, evaluations);
    }
    const Eigen::Index m = s.evaluated->rows();
    Evaluated at;
    at.x.resize(m + 2, s.evaluated->cols());
    at.scores.resize(m + 2, s.evaluated->cols());
    at.denoised.resize(m + 2, s.evaluated->cols());
    at.x << ends_->x.row(0), *s.evaluated, ends_->x.row(1);
    at.scores << ends_->scores.row(0), *s.scores, ends_->scores.row(1);
    at.denoised << ends_->denoised.row(0), *s.denoised, ends_->denoised.row(1);
    std::vector<double> knots{0.0};
    knots.insert(knots.end(), s.evaluatedT.begin(), s.evaluatedT.end());
    knots.push_back(1.0);
    PathPreview r = draw(knots, at, ts);
    r.evaluations = evaluations;
    return r;
}

}  // namespace geo::pipeline
