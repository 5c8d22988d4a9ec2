#pragma once
// CLEVR-like scenes: one to three objects (sphere, cube, cylinder) of several colours, sizes and
// materials standing on a floor, ray-cast with diffuse and specular shading and hard shadows from one
// light. Everything is deterministic from a seed, on every machine (no std distributions).
#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "io/image_io.h"

namespace geo {

enum class Shape { Sphere, Cube, Cylinder };

struct SceneObject {
    Shape shape = Shape::Sphere;
    double x = 0, y = 0;  // position on the floor
    double size = 0.7;    // radius (sphere, cylinder) or half side (cube); height is 2·size
    double angle = 0;     // rotation about the vertical axis (cubes), radians
    double r = 0.5, g = 0.5, b = 0.5;
    bool metal = false;
};

struct Scene {
    std::vector<SceneObject> objects;
};

Scene randomScene(uint64_t seed);
RgbImage renderScene(const Scene& scene, int size = 64);

// A short video: the scene of `seed` with one of its objects moving along a straight line on the
// floor, `frames` frames; the other objects stay put.
std::vector<RgbImage> renderSceneVideo(uint64_t seed, int frames, int size = 64);

std::string describeScene(const Scene& scene);

}  // namespace geo
