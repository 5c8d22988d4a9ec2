#include "sd/sd_model.h"

#include <torch/torch.h>

#include "common/errors.h"
#include "sd/clip_tokenizer.h"
#include "sd/sd_networks.h"

namespace geo {

namespace {

class SdLatentNetworks final : public LatentNetworks {
public:
    SdLatentNetworks(std::shared_ptr<SdNetworks> n, ClipTokenizer t) : nets_(std::move(n)), tokenizer_(std::move(t)) { setConditioning({}); }

    at::Tensor predict(const at::Tensor& xt, const at::Tensor& steps) const override {
        const int64_t b = xt.size(0);
        if (guidance_ == 1) return nets_->unet->forward(xt, steps, cond_.expand({b, -1, -1}));
        // One batch of unconditional and conditional rows: one network call per step.
        const at::Tensor out = nets_->unet->forward(torch::cat({xt, xt}), torch::cat({steps, steps}),
                                                    torch::cat({uncond_.expand({b, -1, -1}), cond_.expand({b, -1, -1})}));
        const at::Tensor u = out.slice(0, 0, b).to(torch::kFloat), c = out.slice(0, b).to(torch::kFloat);
        return (u + guidance_ * (c - u)).to(xt.scalar_type());
    }
    at::Tensor predictWith(const at::Tensor& xt, const at::Tensor& steps, const at::Tensor& context) const override {
        return nets_->unet->forward(xt, steps, context);
    }
    at::Tensor embedText(const std::string& prompt) const override { return encodePrompt(*nets_, tokenizer_, prompt).to(dtype()); }
    at::Tensor encode(const at::Tensor& images) const override { return nets_->vae->encode(images.to(nets_->dtypes.vae)).mean; }
    at::Tensor decode(const at::Tensor& latents) const override { return nets_->vae->decode(latents.to(nets_->dtypes.vae)); }
    c10::Device device() const override { return nets_->device; }
    c10::ScalarType dtype() const override { return nets_->dtypes.unet; }
    bool textConditioned() const override { return true; }
    void setConditioning(const TextConditioning& c) override {
        torch::NoGradGuard noGrad;
        cond_ = encodePrompt(*nets_, tokenizer_, c.prompt);
        uncond_ = encodePrompt(*nets_, tokenizer_, c.negative);
        guidance_ = c.guidance;
    }

private:
    std::shared_ptr<SdNetworks> nets_;
    ClipTokenizer tokenizer_;
    at::Tensor cond_, uncond_;
    double guidance_ = 1;
};

}  // namespace

ClipTokenizer tokenizerFor(const SdSource& source) {
    return source.tokenizerDir.empty() ? ClipTokenizer::shipped() : ClipTokenizer::fromFolder(source.tokenizerDir);
}

at::Tensor encodePrompt(SdNetworks& n, const ClipTokenizer& tokenizer, const std::string& prompt) {
    const std::vector<int64_t> ids = tokenizer.inputIds(prompt, n.text->config().maxPositions, n.source.padWithZero);
    const at::Tensor input = torch::tensor(ids, torch::kLong).unsqueeze(0).to(n.device);
    const sd::TextEncoding e = n.text->forward(input);
    return n.source.penultimateText ? e.penultimateNormed : e.lastHidden;
}

std::shared_ptr<DiffusionModel> loadStableDiffusion(const std::filesystem::path& path, const ComputeOptions& compute, const SdSourceOptions& options,
                                                    const std::function<void(const std::string&)>& progress) {
    const c10::Device device = resolveDevice(compute.device);
    const SdDtypes dtypes = sdDtypes(compute.dtype, device);
    if (compute.maxBatch < 1) throw InputError("the largest batch must be 1 or more");
    const SdSource source = SdSource::open(path, options);
    for (const auto& [has, what] : {std::pair{source.unet.has_value(), "UNet"}, {source.vae.has_value(), "VAE"}, {source.text.has_value(), "text encoder"}})
        if (!has) throw InputError(path.string() + ": a " + source.layout + " without a " + what + "; a model to sample from needs the UNet, the VAE and the text encoder");
    ModelDescription d;
    d.name = path.string() + " (" + source.family + ", " + source.layout + ")";
    d.schedule = DiscreteSchedule(source.trainSteps, source.betaStart, source.betaEnd);
    d.prediction = parsePrediction(source.prediction);
    const int side = source.unet->config.sampleSize;
    d.latentShape = {source.unet->config.inChannels, side, side};
    d.imageSize = side * source.vae->config.downFactor();
    d.latentScale = source.vae->config.scalingFactor;
    if (source.vae->config.latentChannels != source.unet->config.inChannels)
        throw InputError(path.string() + ": the VAE makes " + std::to_string(source.vae->config.latentChannels) + " latent channels, the UNet takes " +
                         std::to_string(source.unet->config.inChannels));
    ClipTokenizer tokenizer = tokenizerFor(source);
    auto nets = SdNetworks::load(source, device, dtypes, progress);
    return std::make_shared<DiffusionModel>(std::make_unique<SdLatentNetworks>(std::move(nets), std::move(tokenizer)), std::move(d), compute.maxBatch);
}

}  // namespace geo
