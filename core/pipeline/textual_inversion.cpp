#include "pipeline/textual_inversion.h"

#include <torch/torch.h>

#include <cstdlib>
#include <cstring>
#include <iomanip>
#include <sstream>

#include "common/errors.h"
#include "nn/state_dict.h"
#include "safetensors/safetensors.h"

namespace geo {

namespace fs = std::filesystem;

namespace {

// FNV-1a, 64 bits: a stable key for the cache (not a security measure).
struct Fnv {
    uint64_t h = 1469598103934665603ull;
    void add(const void* data, size_t n) {
        const auto* p = static_cast<const unsigned char*>(data);
        for (size_t i = 0; i < n; ++i) h = (h ^ p[i]) * 1099511628211ull;
    }
    void add(const std::string& s) { add(s.data(), s.size() + 1); }
};

fs::path defaultCacheDir() {
    const char* xdg = std::getenv("XDG_CACHE_HOME");
    const char* home = std::getenv("HOME");
    const fs::path base = xdg && *xdg ? fs::path(xdg) : home && *home ? fs::path(home) / ".cache" : fs::temp_directory_path();
    return base / "geodesic-explorer" / "textual-inversion";
}

}  // namespace

TextualInversion invertPrompt(const DiffusionModel& model, const at::Tensor& cleanLatent, const std::string& prompt,
                              const TextualInversionOptions& o, const SolveControl& control,
                              const std::function<void(int, int, double)>& progress) {
    if (!model.textConditioned()) throw InputError("textual inversion needs a text-conditioned model");
    if (o.steps < 1 || o.steps > 100000) throw InputError("textual inversion steps must lie in 1 … 100000");
    if (o.batch < 1 || o.batch > 64) throw InputError("the textual-inversion batch must lie in 1 … 64");
    if (!(o.learningRate > 0) || !(o.weightDecay >= 0)) throw InputError("the textual-inversion rate must be positive and the decay not negative");
    if (cleanLatent.dim() != 4 || cleanLatent.size(0) < 1) throw InputError("textual inversion takes latents [N, C, H, W]");

    const at::Tensor z0 = cleanLatent.to(torch::kCPU, torch::kFloat).contiguous();
    Fnv key;
    key.add(z0.data_ptr<float>(), static_cast<size_t>(z0.numel()) * sizeof(float));
    key.add(model.describe());
    key.add(prompt);
    for (double v : {static_cast<double>(o.steps), o.learningRate, o.weightDecay, static_cast<double>(o.batch), static_cast<double>(o.seed)}) key.add(&v, sizeof v);
    std::ostringstream name;
    name << std::hex << std::setw(16) << std::setfill('0') << key.h << ".safetensors";
    TextualInversion r;
    r.cacheFile = (o.cacheDir.empty() ? defaultCacheDir() : o.cacheDir) / name.str();
    if (fs::is_regular_file(r.cacheFile)) {
        try {
            r.embedding = readTensor(SafetensorsFile(r.cacheFile), "embedding").to(torch::kFloat);
            r.fromCache = true;
            return r;
        } catch (const InputError&) {
            // A damaged cache file is recomputed and overwritten.
        }
    }

    const at::Tensor init = model.textEmbedding(prompt);
    at::Tensor embedding = init.clone().to(model.device(), torch::kFloat).set_requires_grad(true);
    torch::optim::AdamW optimiser({embedding}, torch::optim::AdamWOptions(o.learningRate).weight_decay(o.weightDecay));
    auto gen = at::detail::createCPUGenerator(o.seed * 1000003ull + 17);
    const DiscreteSchedule& schedule = model.schedule();
    for (int step = 0; step < o.steps; ++step) {
        control.throwIfCancelled();
        optimiser.zero_grad();
        const at::Tensor taus = at::randint(schedule.trainSteps(), {o.batch}, gen, at::kLong);
        const at::Tensor eps = at::randn({o.batch, z0.size(1), z0.size(2), z0.size(3)}, gen);
        // Drawn only for several latents, so that one image's random stream (and cached result) is as before.
        const at::Tensor rows = z0.size(0) > 1 ? at::randint(z0.size(0), {o.batch}, gen, at::kLong) : at::zeros({o.batch}, at::kLong);
        at::Tensor loss = torch::zeros({}, torch::TensorOptions().device(model.device()));
        for (int b = 0; b < o.batch; ++b) {  // one call per row: each row has its own ᾱ
            const int tau = static_cast<int>(taus[b].item<int64_t>());
            const double ab = schedule.alphaBar(tau);
            const at::Tensor e = eps.slice(0, b, b + 1);
            const int64_t row = rows[b].item<int64_t>();
            const at::Tensor xt = std::sqrt(ab) * z0.slice(0, row, row + 1) + std::sqrt(1 - ab) * e;
            const at::Tensor pred = model.epsilonWithGradient(xt, tau, embedding);
            loss = loss + torch::mse_loss(pred, e.to(pred.device())) / o.batch;
        }
        loss.backward();
        optimiser.step();
        r.losses.push_back(loss.item<double>());
        if (!std::isfinite(r.losses.back())) throw InputError("textual inversion diverged (the loss is not finite) at step " + std::to_string(step + 1));
        if (progress) progress(step + 1, o.steps, r.losses.back());
    }
    r.embedding = embedding.detach().to(torch::kCPU, torch::kFloat);
    try {
        fs::create_directories(r.cacheFile.parent_path());
        saveTensors(r.cacheFile, {{"embedding", r.embedding}}, {{"prompt", prompt}, {"steps", std::to_string(o.steps)}, {"model", model.describe()}});
    } catch (const std::exception&) {
        // An unwritable cache costs the next run time, not this run its result.
    }
    return r;
}

}  // namespace geo
