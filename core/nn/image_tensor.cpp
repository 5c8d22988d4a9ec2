#include "nn/image_tensor.h"

#include <ATen/ATen.h>
#include <algorithm>
#include <cmath>

#include "common/errors.h"

namespace geo {

at::Tensor imagesToTensor(const std::vector<RgbImage>& images) {
    if (images.empty()) throw InputError("no images");
    const int w = images[0].width, h = images[0].height;
    at::Tensor out = at::empty({static_cast<int64_t>(images.size()), 3, h, w}, at::kFloat);
    float* data = out.data_ptr<float>();
    for (size_t n = 0; n < images.size(); ++n) {
        if (images[n].width != w || images[n].height != h) throw InputError("images of different sizes in one batch");
        float* dst = data + n * 3 * w * h;
        for (int p = 0; p < w * h; ++p)
            for (int c = 0; c < 3; ++c) dst[c * w * h + p] = images[n].rgb[3 * p + c] / 127.5f - 1.0f;
    }
    return out;
}

RgbImage tensorToImage(const at::Tensor& image) {
    const at::Tensor t = ((image.detach().to(at::kCPU, at::kFloat).clamp(-1, 1) + 1) * 127.5).round().to(at::kByte).permute({1, 2, 0}).contiguous();
    RgbImage out{static_cast<int>(t.size(1)), static_cast<int>(t.size(0)), {}};
    out.rgb.assign(t.data_ptr<uint8_t>(), t.data_ptr<uint8_t>() + t.numel());
    return out;
}

double psnr(const at::Tensor& a, const at::Tensor& b) {
    const double mse = (a.clamp(-1, 1) - b.clamp(-1, 1)).pow(2).mean().item<double>();
    return 10 * std::log10(4.0 / std::max(mse, 1e-20));
}

}  // namespace geo
