#include "training/scene_data.h"

#include <ATen/ATen.h>
#include <algorithm>
#include <thread>
#include <vector>

#include "nn/image_tensor.h"
#include "scenes/scene.h"

namespace geo {

at::Tensor renderSceneTensor(uint64_t firstSeed, int count, int size) {
    std::vector<RgbImage> images(count);
    const int workers = static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
    std::vector<std::thread> pool;
    for (int w = 0; w < workers; ++w)
        pool.emplace_back([&, w] {
            for (int i = w; i < count; i += workers) images[i] = renderScene(randomScene(firstSeed + static_cast<uint64_t>(i)), size);
        });
    for (auto& t : pool) t.join();
    return imagesToTensor(images);
}

}  // namespace geo
