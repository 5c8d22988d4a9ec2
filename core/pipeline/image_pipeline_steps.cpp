#include "pipeline/image_pipeline_steps.h"

#include <ATen/ATen.h>
#include <cmath>
#include <list>
#include <mutex>
#include <iomanip>
#include <optional>
#include <sstream>
#include <type_traits>

#include "common/errors.h"
#include "measures/latent_path_measures.h"
#include "diffusion/ddim.h"
#include "diffusion/dpm_solver.h"
#include "pipeline/path_preview.h"
#include "pipeline/textual_inversion.h"

namespace geo::pipeline {

PathConditioning Keyframes::pair(int p) const {
    if (contexts.empty()) return {};
    return {contexts[static_cast<size_t>(p)], contexts[static_cast<size_t>(p) + 1], negative};
}

double secondsSince(std::chrono::steady_clock::time_point start) {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

int gridStepsUpTo(const DiffusionModel& model, int timestep, int ddimSteps) {
    int n = 0;
    for (int t : model.schedule().ddimTimesteps(ddimSteps)) n += t <= timestep;
    return n;
}

bool publishedSampling(const ImagePipelineOptions& o) {
    return o.sampling == Sampling::Published || (o.sampling == Sampling::Auto && o.solver.method == LatentBvpMethod::Published);
}

namespace {
bool ddimInversion(const ImagePipelineOptions& o) { return publishedSampling(o) || o.inversionSteps == 0; }
}  // namespace

int inversionEvaluationsPerLatent(const DiffusionModel& model, int timestep, const ImagePipelineOptions& o) {
    return ddimInversion(o) ? gridStepsUpTo(model, timestep, o.ddimSteps)
                            : static_cast<int>(dpmSolverTimesteps(model.schedule(), timestep, o.inversionSteps).size());
}

std::string samplingDescription(const DiffusionModel& model, int timestep, const ImagePipelineOptions& o) {
    const std::string up = std::to_string(inversionEvaluationsPerLatent(model, timestep, o)),
                      down = std::to_string(decodeEvaluationsPerLatent(model, timestep, o));
    if (publishedSampling(o)) return "published: DDIM, " + up + " steps up, " + down + " down";
    return (ddimInversion(o) ? "DDIM " : "DPM-Solver++(2M) ") + up + " steps up, DPM-Solver++(2M) " + down + " down";
}

int decodeEvaluationsPerLatent(const DiffusionModel& model, int timestep, const ImagePipelineOptions& o) {
    return publishedSampling(o) ? gridStepsUpTo(model, timestep, o.ddimSteps)
                                : static_cast<int>(dpmSolverTimesteps(model.schedule(), timestep, o.decodeSteps).size());
}

at::Tensor rowsToLatents(const Points& rows, const DiffusionModel& model) { return pointsToLatents(rows, model.latentShape()); }

void checkPipelineOptions(const ImagePipelineOptions& o, int images) {
    if (images < 2) throw InputError("a path needs at least two images (got " + std::to_string(images) + ")");
    if (!(o.noiseLevel > 0 && o.noiseLevel < 1)) throw InputError("the noise level must lie in (0, 1), not " + std::to_string(o.noiseLevel));
    if (o.framesPerPair < 2 || o.framesPerPair > 1025) throw InputError("frames per pair of images must lie in 2 … 1025");
    if (o.ddimSteps < 2 || o.ddimSteps > 1000) throw InputError("DDIM steps must lie in 2 … 1000");
    if (o.inversionSteps < 0 || o.inversionSteps > 1000) throw InputError("inversion steps must lie in 1 … 1000 (0: DDIM on the grid)");
    if (o.decodeSteps < 1 || o.decodeSteps > 1000) throw InputError("decoding steps must lie in 1 … 1000");
    if (o.prompts.size() > 1 && static_cast<int>(o.prompts.size()) != images)
        throw InputError(std::to_string(o.prompts.size()) + " prompts for " + std::to_string(images) + " images: give one, or one per image");
}

namespace {

// Image i's prompt: none, the one for all, or its own.
std::string promptFor(const ImagePipelineOptions& o, int64_t i) {
    return o.prompts.empty() ? std::string() : o.prompts[o.prompts.size() == 1 ? 0 : static_cast<size_t>(i)];
}

}  // namespace

namespace {

// Encoded, (textual-inversion,) DDIM-inverted and put on one sphere; `evaluations` counts the UNet calls.
Keyframes invertKeyframes(const std::shared_ptr<const DiffusionModel>& model, const at::Tensor& images, const ImagePipelineOptions& o,
                          const SolveControl& control, const PipelineCallback& progress, std::vector<std::string>& warnings, long long& evaluations) {
    Keyframes k;
    k.timestep = model->schedule().timestepForNoiseLevel(o.noiseLevel, o.ddimSteps);
    const int64_t n = images.size(0);
    if (progress) progress({RunStage::Encode, 0, 1, 0, 1, nullptr});
    const at::Tensor clean = model->encode(images);
    control.throwIfCancelled();
    at::Tensor context;
    if (model->textConditioned()) {
        for (int64_t i = 0; i < n; ++i) k.contexts.push_back(model->textEmbedding(promptFor(o, i)));
        k.negative = model->textEmbedding(o.negative);
        // Per image, or once over all of them (joint: one condition, every image's latent in its batches).
        const int64_t inversions = o.jointTextualInversion ? 1 : n;
        for (int64_t i = 0; i < inversions && o.textualInversionSteps > 0; ++i) {
            TextualInversionOptions ti;
            ti.steps = o.textualInversionSteps;
            ti.seed = o.seed + static_cast<uint64_t>(i);
            ti.cacheDir = o.textualInversionCache;
            const at::Tensor latents = o.jointTextualInversion ? clean : clean.slice(0, i, i + 1);
            const TextualInversion r = invertPrompt(*model, latents, promptFor(o, i), ti, control, [&](int done, int total, double) {
                if (progress) progress({RunStage::TextualInversion, static_cast<int>(i), static_cast<int>(inversions), done, total, nullptr});
            });
            if (o.jointTextualInversion) std::fill(k.contexts.begin(), k.contexts.end(), r.embedding);
            else k.contexts[static_cast<size_t>(i)] = r.embedding;
            const std::string what = o.jointTextualInversion ? "joint textual inversion of all " + std::to_string(n) + " images"
                                                             : "textual inversion of image " + std::to_string(i + 1);
            if (r.fromCache) warnings.push_back(what + " read from " + r.cacheFile.string());
            else evaluations += static_cast<long long>(ti.steps) * ti.batch;
        }
        context = at::cat(k.contexts);
    }
    if (progress) progress({RunStage::Encode, 0, 1, 1, 1, nullptr});
    const ConditionedEpsilon eps(model, context);
    const StepCallback stepped = [&](int done, int total) {
        if (progress) progress({RunStage::Invert, 0, 1, done, total, nullptr});
    };
    const at::Tensor inverted = ddimInversion(o) ? ddimInvert(eps, model->schedule(), clean, k.timestep, o.ddimSteps, control, stepped)
                                                     : dpmSolverInvert(eps, model->schedule(), clean, k.timestep, o.inversionSteps, control, stepped);
    k.points = latentsToPoints(inverted);
    k.previewMap = LatentRgbMap::fit(clean, images);
    if (!k.points.allFinite()) throw InputError("the model produced non-finite latents while inverting the images");
    k.radius = k.points.rowwise().norm().mean();
    for (Eigen::Index i = 0; i < k.points.rows(); ++i) k.points.row(i) *= k.radius / k.points.row(i).norm();
    evaluations += n * inversionEvaluationsPerLatent(*model, k.timestep, o);
    return k;
}

std::string exact(double v) {
    std::ostringstream out;
    out << std::setprecision(17) << v;
    return out.str();
}

// FNV-1a over the bytes of a tensor's float32 values.
uint64_t hashOf(const at::Tensor& t) {
    const at::Tensor c = t.to(at::kFloat).contiguous().cpu();
    const auto* p = static_cast<const unsigned char*>(c.data_ptr());
    uint64_t h = 1469598103934665603ULL;
    for (size_t i = 0, n = static_cast<size_t>(c.numel()) * sizeof(float); i < n; ++i) h = (h ^ p[i]) * 1099511628211ULL;
    return h;
}

// Everything the inverted keyframes depend on.
std::string inversionKey(const DiffusionModel& model, const at::Tensor& images, const ImagePipelineOptions& o) {
    std::string key = std::to_string(reinterpret_cast<uintptr_t>(&model)) + "|" + model.describe() + "|" + std::to_string(hashOf(images)) + "|" +
                      std::to_string(images.size(0)) + "|" + exact(o.noiseLevel) + "|" + std::to_string(o.ddimSteps) + "|" +
                      (ddimInversion(o) ? std::string("ddim") : "dpm " + std::to_string(o.inversionSteps)) + "|" +
                      std::to_string(o.textualInversionSteps) + "|" + o.negative + "|" + o.textualInversionCache.string();
    if (o.textualInversionSteps > 0) key += "|seed " + std::to_string(o.seed) + (o.jointTextualInversion ? "|joint" : "");
    for (const std::string& p : o.prompts) key += "|p:" + p;
    return key;
}

// Everything a pair's solve depends on besides its keyframes.
std::string solveKey(const ImagePipelineOptions& o) {
    const LatentBvpOptions& b = o.solver;
    std::string key = latentBvpMethodName(b.method);
    for (double v : {b.alpha, b.learningRate, b.residualTolerance, b.implicitStep}) key += "|" + exact(v);
    for (long long v : {static_cast<long long>(b.sphere), static_cast<long long>(b.levels), static_cast<long long>(b.iterationsPerLevel),
                        static_cast<long long>(b.maxIterations), static_cast<long long>(b.schedule), static_cast<long long>(b.divideByPoints),
                        static_cast<long long>(b.earlySwitch), static_cast<long long>(b.onlyNewPoints), static_cast<long long>(b.halvingsToNextLevel),
                        static_cast<long long>(b.carryStep), static_cast<long long>(o.jitterRange),
                        static_cast<long long>(o.seed)})
        key += "|" + std::to_string(v);
    return key;
}

}  // namespace

}  // namespace geo::pipeline

namespace geo {

// Two most-recently-used lists: inverted keyframes, and the solved paths between them.
class KeyframeCache {
public:
    explicit KeyframeCache(int capacity) : capacity_(std::max(1, capacity)) {}
    std::optional<pipeline::Keyframes> findKeyframes(const std::string& key) { return find(keyframes_, key); }
    void storeKeyframes(const std::string& key, const pipeline::Keyframes& k) { store(keyframes_, key, k); }
    std::optional<LatentBvpResult> findSolve(const std::string& key) { return find(solves_, key); }
    void storeSolve(const std::string& key, const LatentBvpResult& r) { store(solves_, key, r); }

private:
    template <typename T>
    using Entries = std::list<std::pair<std::string, T>>;
    template <typename T>
    std::optional<T> find(Entries<T>& entries, const std::string& key) {
        std::lock_guard lock(mutex_);
        for (auto it = entries.begin(); it != entries.end(); ++it)
            if (it->first == key) {
                entries.splice(entries.begin(), entries, it);  // most recently used first
                return entries.front().second;
            }
        return std::nullopt;
    }
    template <typename T>
    void store(Entries<T>& entries, const std::string& key, const T& value) {
        std::lock_guard lock(mutex_);
        entries.emplace_front(key, value);
        // A chain of many pairs keeps all its solves: four chains' worth.
        const size_t most = static_cast<size_t>(capacity_) * (std::is_same_v<T, LatentBvpResult> ? 16 : 1);
        while (entries.size() > most) entries.pop_back();
    }

    std::mutex mutex_;
    Entries<pipeline::Keyframes> keyframes_;
    Entries<LatentBvpResult> solves_;
    int capacity_;
};

std::shared_ptr<KeyframeCache> makeKeyframeCache(int capacity) { return std::make_shared<KeyframeCache>(capacity); }

}  // namespace geo

namespace geo::pipeline {

PathHeader pathHeader(const DiffusionModel& model, const Keyframes& k, const ImagePipelineOptions& o) {
    return {model.describe(), o.noiseLevel, k.timestep, o.solver.alpha, k.radius, o.seed};
}

Keyframes prepareKeyframes(const std::shared_ptr<const DiffusionModel>& model, const at::Tensor& images, const ImagePipelineOptions& o,
                           const SolveControl& control, const PipelineCallback& progress, ImagePath& out) {
    checkPipelineOptions(o, static_cast<int>(images.size(0)));
    if (!model->textConditioned() && !o.prompts.empty()) throw InputError(model->describe() + " takes no text prompt");
    if (!model->textConditioned() && o.textualInversionSteps > 0) throw InputError(model->describe() + " takes no text, so it has no prompt to invert");
    const std::string key = o.keyframeCache ? inversionKey(*model, images, o) : std::string();
    std::optional<Keyframes> cached = o.keyframeCache ? o.keyframeCache->findKeyframes(key) : std::nullopt;
    Keyframes k;
    if (cached) {
        k = std::move(*cached);
        out.warnings.push_back("keyframes: inverted latents reused from the previous run with the same images and inversion settings");
    } else {
        k = invertKeyframes(model, images, o, control, progress, out.warnings, out.evaluations.inversion);
        k.cacheKey = key;
        if (o.keyframeCache) o.keyframeCache->storeKeyframes(key, k);
    }
    static_cast<PathHeader&>(out) = pathHeader(*model, k, o);
    out.solver = latentBvpMethodName(o.solver.method);
    out.sampling = samplingDescription(*model, k.timestep, o);
    out.evaluationsPerLevel.assign(static_cast<size_t>(o.solver.levels), 0);
    return k;
}

ModelPathScore pairScore(const std::shared_ptr<const DiffusionModel>& model, const Keyframes& k, int pair, const ImagePipelineOptions& o) {
    ScoreOptions so;
    so.timestep = k.timestep;
    so.jitterRange = o.jitterRange;
    so.seed = o.seed * 7919ULL + static_cast<uint64_t>(pair);
    return ModelPathScore(model, so, k.pair(pair));
}

LatentBvpResult solvePair(const std::shared_ptr<const DiffusionModel>& model, const Keyframes& k, int pair, const ImagePipelineOptions& o,
                          const SolveControl& control, const PipelineCallback& progress, ImagePath& out) {
    LatentBvpOptions so = o.solver;
    so.radius = k.radius;
    const std::string key = o.keyframeCache && !k.cacheKey.empty() ? k.cacheKey + "|pair " + std::to_string(pair) + "|" + solveKey(o) : std::string();
    if (!key.empty())
        if (std::optional<LatentBvpResult> cached = o.keyframeCache->findSolve(key)) {
            out.warnings.push_back("pair " + std::to_string(pair + 1) + ": the solved path reused from a run with the same keyframes and solver settings");
            out.iterations += cached->iterations;  // the path's; its network evaluations were not spent again
            return *cached;
        }
    const ModelPathScore score = pairScore(model, k, pair, o);
    const int pairs = static_cast<int>(k.points.rows()) - 1;
    const Eigen::VectorXd a = k.points.row(pair).transpose(), b = k.points.row(pair + 1).transpose();
    PairPreviewer previewer(model, k, pair, o);
    LatentBvpResult r = solveLatentBvp(score, a, b, so, control, [&](const LatentBvpSnapshot& s) {
        if (!progress) return;
        const PreviewFunction preview = [&](const std::vector<double>& ts, bool baseline) {
            PathPreview p = baseline ? previewer.baseline(ts, control) : previewer.path(s, ts, control);
            out.evaluations.preview += p.evaluations;
            return p;
        };
        progress({RunStage::Solve, pair, pairs, s.iteration, so.maxIterations, &s, &preview});
    });
    if (!key.empty()) o.keyframeCache->storeSolve(key, r);
    out.iterations += r.iterations;
    out.evaluations.solve += r.evaluations;
    for (size_t l = 0; l < r.evaluationsPerLevel.size() && l < out.evaluationsPerLevel.size(); ++l) out.evaluationsPerLevel[l] += r.evaluationsPerLevel[l];
    return r;
}

at::Tensor decodeFrames(const std::shared_ptr<const DiffusionModel>& model, const Keyframes& k, const Points& latents,
                        const std::vector<FrameSource>& sources, const ImagePipelineOptions& o, const SolveControl& control,
                        const PipelineCallback& progress, long long& evaluations) {
    at::Tensor context;
    if (!k.contexts.empty()) {
        std::vector<at::Tensor> rows;
        for (const FrameSource& s : sources) rows.push_back(k.pair(s.pair).at(std::clamp(s.localT, 0.0, 1.0)));
        context = at::cat(rows);
    }
    const ConditionedEpsilon eps(model, context);
    evaluations += latents.rows() * decodeEvaluationsPerLatent(*model, k.timestep, o);
    const StepCallback stepped = [&](int done, int total) {
        if (progress) progress({RunStage::Decode, 0, 1, done, total, nullptr});
    };
    const at::Tensor start = rowsToLatents(latents, *model);
    const at::Tensor clean = publishedSampling(o) ? ddimSample(eps, model->schedule(), start, k.timestep, o.ddimSteps, control, stepped)
                                                  : dpmSolverSample(eps, model->schedule(), start, k.timestep, o.decodeSteps, control, stepped);
    control.throwIfCancelled();
    const at::Tensor images = model->decode(clean);
    if (!at::isfinite(images).all().item<bool>()) throw InputError("the model decoded non-finite frames");
    return images;
}

namespace {

// Scores of rows from their pairs' deterministic estimators, one call per pair.
Points scoresOf(const std::shared_ptr<const DiffusionModel>& model, const Keyframes& k, const Points& latents, const std::vector<FrameSource>& sources,
                const ImagePipelineOptions& o, const SolveControl& control, long long& evaluations) {
    Points s(latents.rows(), latents.cols());
    const int pairs = static_cast<int>(k.points.rows()) - 1;
    for (int p = 0; p < pairs; ++p) {
        std::vector<Eigen::Index> rows;
        std::vector<double> ts;
        for (size_t i = 0; i < sources.size(); ++i)
            if (sources[i].pair == p) rows.push_back(static_cast<Eigen::Index>(i)), ts.push_back(std::clamp(sources[i].localT, 0.0, 1.0));
        if (rows.empty()) continue;
        Points x(static_cast<Eigen::Index>(rows.size()), latents.cols());
        for (size_t i = 0; i < rows.size(); ++i) x.row(static_cast<Eigen::Index>(i)) = latents.row(rows[i]);
        const ModelPathScore score = pairScore(model, k, p, o);
        const Points sp = score.score(x, ts, PathScore::kDeterministic, control);
        evaluations += x.rows() * score.evaluationsPerPoint(PathScore::kDeterministic);
        for (size_t i = 0; i < rows.size(); ++i) s.row(rows[i]) = sp.row(static_cast<Eigen::Index>(i));
    }
    if (!s.allFinite()) throw InputError("the model's score is not finite along the path");
    return s;
}

}  // namespace

PathNumbers measureFrames(const std::shared_ptr<const DiffusionModel>& model, const Keyframes& k, const Points& latents,
                          const std::vector<FrameSource>& sources, const ImagePipelineOptions& o, const SolveControl& control, long long& evaluations) {
    const LatentPathMeasures m =
        measureLatentPath(latents, scoresOf(model, k, latents, sources, o, control, evaluations), o.solver.alpha, o.solver.sphere);
    PathNumbers n;
    n.logDensity.assign(m.logDensity.data(), m.logDensity.data() + m.logDensity.size());
    n.logLength = m.logLength;
    return n;
}

void residualsAtKnots(const std::shared_ptr<const DiffusionModel>& model, const Keyframes& k, int pair, const DyadicSlerpPath& path,
                      const ImagePipelineOptions& o, const SolveControl& control, std::vector<double>& geodesic, std::vector<double>& baseline,
                      long long& evaluations) {
    std::vector<double> ts = path.knots();
    ts = std::vector<double>(ts.begin() + 1, ts.end() - 1);
    if (ts.empty()) return;
    DyadicSlerpPath slerpPath(path.position(0), path.position(1));
    for (double t : ts) slerpPath.set(t, slerp(path.position(0), path.position(1), t));
    const ModelPathScore score = pairScore(model, k, pair, o);
    for (auto [p, out] : {std::pair{&path, &geodesic}, {&slerpPath, &baseline}}) {
        const Points x = p->positions(ts);
        const ElTerms e = elTerms(x, p->velocities(ts), p->accelerations(ts), score.score(x, ts, PathScore::kDeterministic, control), o.solver.alpha,
                                  o.solver.sphere);
        out->insert(out->end(), e.ratio.data(), e.ratio.data() + e.ratio.size());
        evaluations += x.rows() * score.evaluationsPerPoint(PathScore::kDeterministic);
    }
}

void setResidual(PathNumbers& n, const std::vector<double>& ratios) {
    if (ratios.empty()) return;
    double sum = 0, mx = 0;
    for (double r : ratios) sum += r, mx = std::max(mx, r);
    n.residualMean = sum / static_cast<double>(ratios.size());
    n.residualMax = mx;
}

}  // namespace geo::pipeline
