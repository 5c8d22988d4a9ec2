#include "training/scene_data.h"

#include <ATen/ATen.h>
#include <algorithm>
#include <cmath>
#include <thread>
#include <vector>

#include "scenes/scene.h"

namespace geo {

at::Tensor renderSceneTensor(uint64_t firstSeed, int count, int size) {
    at::Tensor out = at::empty({count, 3, size, size}, at::kFloat);
    float* data = out.data_ptr<float>();
    const int workers = static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
    std::vector<std::thread> pool;
    for (int w = 0; w < workers; ++w)
        pool.emplace_back([=] {
            for (int i = w; i < count; i += workers) {
                const RgbImage img = renderScene(randomScene(firstSeed + static_cast<uint64_t>(i)), size);
                float* dst = data + static_cast<size_t>(i) * 3 * size * size;
                for (int p = 0; p < size * size; ++p)
                    for (int c = 0; c < 3; ++c) dst[c * size * size + p] = img.rgb[3 * p + c] / 127.5f - 1.0f;
            }
        });
    for (auto& t : pool) t.join();
    return out;
}

double psnr(const at::Tensor& a, const at::Tensor& b) {
    const double mse = (a.clamp(-1, 1) - b.clamp(-1, 1)).pow(2).mean().item<double>();
    return 10 * std::log10(4.0 / std::max(mse, 1e-20));
}

}  // namespace geo
