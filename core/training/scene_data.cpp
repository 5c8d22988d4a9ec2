#include "training/scene_data.h"

#include <ATen/ATen.h>
#include <algorithm>
#include <thread>
#include <vector>

#include "nn/image_tensor.h"
#include "common/errors.h"
#include "scenes/painted_scene.h"
#include "scenes/scene.h"

namespace geo {

SceneStyle parseSceneStyle(const std::string& name) {
    if (name == "generator") return SceneStyle::Generator;
    if (name == "random-world") return SceneStyle::RandomWorld;
    if (name == "painted") return SceneStyle::Painted;
    if (name == "varied") return SceneStyle::Varied;
    throw unknownNameError("scene style", name, {"generator", "random-world", "painted", "varied"});
}

RgbImage renderStyled(uint64_t seed, int size, SceneStyle style, int index) {
    switch (style) {
        case SceneStyle::Generator: return renderScene(randomScene(seed), size);
        case SceneStyle::RandomWorld: return renderScene(randomWorldScene(seed), size);
        case SceneStyle::Painted: return renderPaintedScene(seed, size);
        case SceneStyle::Varied: return renderScene(index % 2 ? randomWorldScene(seed) : randomScene(seed), size);
    }
    return {};
}

at::Tensor renderSceneTensor(uint64_t firstSeed, int count, int size, SceneStyle style) {
    std::vector<RgbImage> images(count);
    const int workers = static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
    std::vector<std::thread> pool;
    for (int w = 0; w < workers; ++w)
        pool.emplace_back([&, w] {
            for (int i = w; i < count; i += workers) images[i] = renderStyled(firstSeed + static_cast<uint64_t>(i), size, style, i);
        });
    for (auto& t : pool) t.join();
    return imagesToTensor(images);
}

}  // namespace geo
