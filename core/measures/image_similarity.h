#pragma once
// Structural similarity of two RGB images (Wang et al. 2004: 11×11 Gaussian window, σ = 1.5,
// K1 = 0.01, K2 = 0.03, L = 255), the mean over pixels and channels. 1 − SSIM is the stand-in for
// LPIPS wherever the program needs a perceptual distance between frames.
#include "io/image_io.h"

namespace geo {

double ssim(const RgbImage& a, const RgbImage& b);  // InputError when the sizes differ

}  // namespace geo
