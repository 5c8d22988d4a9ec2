#pragma once
// Formulas that judge a sequence of frames by the distances between consecutive frames
// (density-geodesics.md §8.2), over any stated distance. The published metrics use LPIPS (AlexNet):
// PPL = Σ d or mean d/ε², PDV = the variance of d, ISTD (Smooth Diffusion) = the standard deviation
// of d, and AID's smoothness = 1 − Gini(d). LPIPS weights cannot be had here, so these are the same
// formulas over pixel RMS, 1 − SSIM or a latent distance, and reports name them by formula and
// distance, never by the published names.
#include <string>
#include <vector>

#include "io/image_io.h"

namespace geo {

// The Gini coefficient of non-negative values, Σᵢ Σⱼ |dᵢ − dⱼ| / (2 n² mean d): 0 when all are equal,
// (n − 1)/n when one holds everything. 0 for an all-zero or empty list.
double giniCoefficient(const std::vector<double>& values);

struct StepStatistics {
    std::string distance;        // what d is, e.g. "1 - SSIM"
    std::vector<double> steps;   // d_j between frames j and j + 1
    double sum = 0;              // Σ d (PPL's raw form)
    double epsilon = 0;          // 1 / (frames − 1): the t step, 1/16 for 17 frames as published
    double scaledMean = 0;       // mean d / ε² (PPL's StyleGAN form)
    double variance = 0;         // population variance of d (PDV's form)
    double standardDeviation = 0;// √variance (ISTD's form)
    double smoothness = 0;       // 1 − Gini(d) (AID's form): 1 when every step is the same size
};
StepStatistics stepStatistics(const std::string& distance, const std::vector<double>& steps);  // InputError: no steps, or a negative or non-finite one

// Root-mean-square difference of two images of one size, on the [0, 1] scale per channel.
double pixelRmsDistance(const RgbImage& a, const RgbImage& b);

// Consecutive-frame distances of a sequence: "pixel RMS" and "1 - SSIM".
std::vector<double> pixelSteps(const std::vector<RgbImage>& frames);
std::vector<double> ssimSteps(const std::vector<RgbImage>& frames);

// The statement every report carries about the published metrics it cannot compute.
extern const char* const kPublishedMetricsNote;

}  // namespace geo
