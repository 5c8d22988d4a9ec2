#include "measures/sequence_metrics.h"

#include <cmath>
#include <numeric>

#include "common/errors.h"
#include "measures/image_similarity.h"

namespace geo {

const char* const kPublishedMetricsNote =
    "PPL, PDV and ISTD are defined on LPIPS (AlexNet) distances, AID's smoothness on its own perceptual distance, FID on Inception "
    "features and TOPIQ on its own network; none of those weights exist here, so none of those numbers is reported. The step statistics "
    "use the same formulas (sum, mean/eps^2, variance, standard deviation, 1 - Gini) over the distance each names; the Frechet distance "
    "is between autoencoder latents, not Inception features. Compare them only with numbers computed by this program.";

double giniCoefficient(const std::vector<double>& values) {
    const double n = static_cast<double>(values.size());
    const double total = std::accumulate(values.begin(), values.end(), 0.0);
    if (values.empty() || total <= 0) return 0;
    double pairs = 0;
    for (double a : values)
        for (double b : values) pairs += std::abs(a - b);
    return pairs / (2 * n * total);  // = Σ|dᵢ − dⱼ| / (2 n² mean)
}

StepStatistics stepStatistics(const std::string& distance, const std::vector<double>& steps) {
    if (steps.empty()) throw InputError("a sequence needs at least two frames to have steps between them");
    for (double d : steps)
        if (!(d >= 0 && std::isfinite(d))) throw InputError("a step distance (" + distance + ") is negative or not finite");
    StepStatistics s;
    s.distance = distance;
    s.steps = steps;
    const double n = static_cast<double>(steps.size());
    s.sum = std::accumulate(steps.begin(), steps.end(), 0.0);
    s.epsilon = 1 / n;
    const double mean = s.sum / n;
    s.scaledMean = mean / (s.epsilon * s.epsilon);
    for (double d : steps) s.variance += (d - mean) * (d - mean) / n;
    s.standardDeviation = std::sqrt(s.variance);
    s.smoothness = 1 - giniCoefficient(steps);
    return s;
}

double pixelRmsDistance(const RgbImage& a, const RgbImage& b) {
    if (a.width != b.width || a.height != b.height)
        throw InputError("frames of different sizes (" + std::to_string(a.width) + "×" + std::to_string(a.height) + " and " + std::to_string(b.width) +
                         "×" + std::to_string(b.height) + ")");
    if (a.rgb.empty()) throw InputError("an empty frame");
    double sum = 0;
    for (size_t i = 0; i < a.rgb.size(); ++i) {
        const double d = (static_cast<double>(a.rgb[i]) - static_cast<double>(b.rgb[i])) / 255.0;
        sum += d * d;
    }
    return std::sqrt(sum / static_cast<double>(a.rgb.size()));
}

namespace {

template <typename Distance>
std::vector<double> consecutive(const std::vector<RgbImage>& frames, Distance distance) {
    std::vector<double> d;
    for (size_t i = 0; i + 1 < frames.size(); ++i) d.push_back(distance(frames[i], frames[i + 1]));
    return d;
}

}  // namespace

std::vector<double> pixelSteps(const std::vector<RgbImage>& frames) { return consecutive(frames, pixelRmsDistance); }

std::vector<double> ssimSteps(const std::vector<RgbImage>& frames) {
    // SSIM of identical frames can exceed 1 by rounding; a distance is never negative.
    return consecutive(frames, [](const RgbImage& a, const RgbImage& b) { return std::max(0.0, 1 - ssim(a, b)); });
}

}  // namespace geo
