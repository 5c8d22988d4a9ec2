#pragma once
// Scenes of another origin than the scene generator's ray caster, for measuring how the shipped
// autoencoder does on pictures it was not made for: painted in 2-D with OpenCV (painter's algorithm),
// a wall of random colour behind a floor at a random horizon, a perspective of its own, light from a
// random side with coloured tint, soft cast shadows as blurred ellipses, shaded discs, boxes and
// cylinders in any colour, sometimes a textured floor. Deterministic from the seed on every machine.
#include <cstdint>

#include "io/image_io.h"

namespace geo {

RgbImage renderPaintedScene(uint64_t seed, int size = 64);

}  // namespace geo
