#pragma once
// Rendered scenes as a tensor, for training and evaluation: [N, 3, size, size] float32 in [−1, 1],
// scene i rendered from seed firstSeed + i, on every core.
#include <ATen/core/Tensor.h>
#include <cstdint>

namespace geo {

// Seeds from here on are never used for training: evaluation sets start at this offset.
constexpr uint64_t kHeldOutSeeds = 1'000'000'000;

at::Tensor renderSceneTensor(uint64_t firstSeed, int count, int size = 64);

}  // namespace geo
