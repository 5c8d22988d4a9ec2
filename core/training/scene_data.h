#pragma once
// Rendered scenes as a tensor, for training and evaluation: [N, 3, size, size] float32 in [−1, 1],
// scene i rendered from seed firstSeed + i, on every core.
#include <ATen/core/Tensor.h>
#include <cstdint>
#include <string>

namespace geo {

// Seeds from here on are never used for training: evaluation sets start at this offset.
constexpr uint64_t kHeldOutSeeds = 1'000'000'000;

// generator: randomScene; randomWorld: randomWorldScene; painted: renderPaintedScene (another renderer,
// for evaluation only); varied: even i from randomScene, odd i from randomWorldScene.
enum class SceneStyle { Generator, RandomWorld, Painted, Varied };
SceneStyle parseSceneStyle(const std::string& name);  // "generator", "random-world", "painted", "varied"

at::Tensor renderSceneTensor(uint64_t firstSeed, int count, int size = 64, SceneStyle style = SceneStyle::Generator);

}  // namespace geo
