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

// Everything around the objects. The defaults are the scene generator's own world (its renders do
// not change); randomWorldScene varies all of it, so an autoencoder trained on both sees more than
// one floor, light and camera.
struct World {
    double floor[3] = {0.58, 0.58, 0.57};
    int floorPattern = 0;             // 0 plain, 1 checks, 2 stripes
    double patternScale = 1, patternContrast = 0;
    bool wall = false;                // a vertical wall behind the floor at y = wallY
    double wallY = 4, wallColour[3] = {0.6, 0.6, 0.6};
    double background[3] = {0.62, 0.62, 0.64};
    double light[3] = {-0.55, -0.35, 0.76};      // towards the light (normalised when used)
    double lightColour[3] = {1, 1, 1};
    double ambient = 0.3;             // objects' ambient term
    double cameraDistance = 9.5, cameraHeight = 7.0, cameraAzimuth = 0;  // radians about the vertical axis
    double fieldOfView = 40;          // degrees
};

struct Scene {
    std::vector<SceneObject> objects;
    World world;
};

Scene randomScene(uint64_t seed);
// A scene in a random world: floor colour and pattern, an optional wall, background, light direction
// and colour, camera distance, height and azimuth, 1–4 objects of any colour and size.
Scene randomWorldScene(uint64_t seed);
RgbImage renderScene(const Scene& scene, int size = 64);

// A short video: the scene of `seed` with one of its objects moving along a straight line on the
// floor, `frames` frames; the other objects stay put.
std::vector<RgbImage> renderSceneVideo(uint64_t seed, int frames, int size = 64);

std::string describeScene(const Scene& scene);

}  // namespace geo
