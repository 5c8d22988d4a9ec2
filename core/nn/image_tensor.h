#pragma once
// 8-bit RGB images and float tensors in [−1, 1], the networks' input range.
#include <ATen/core/Tensor.h>
#include <vector>

#include "io/image_io.h"

namespace geo {

at::Tensor imagesToTensor(const std::vector<RgbImage>& images);  // [N, 3, H, W]; all of one size
RgbImage tensorToImage(const at::Tensor& image);                  // [3, H, W], clipped to [−1, 1]
double psnr(const at::Tensor& a, const at::Tensor& b);            // images in [−1, 1]; peak-to-peak 2

}  // namespace geo
