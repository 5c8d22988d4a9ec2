#include "scenes/scene.h"

#include <Eigen/Geometry>
#include <cmath>
#include <numbers>
#include <sstream>

#include "common/errors.h"
#include "scenes/splitmix.h"

namespace geo {

namespace {

using V3 = Eigen::Vector3d;

using Random = SplitMix;

struct Colour {
    const char* name;
    double r, g, b;
};
// The CLEVR palette.
constexpr Colour kColours[] = {{"gray", 0.34, 0.34, 0.34}, {"red", 0.68, 0.14, 0.14}, {"blue", 0.16, 0.29, 0.84},
                               {"green", 0.11, 0.41, 0.08}, {"brown", 0.51, 0.29, 0.10}, {"purple", 0.51, 0.15, 0.75},
                               {"cyan", 0.16, 0.82, 0.82}, {"yellow", 1.00, 0.93, 0.20}};
constexpr double kFloorExtent = 3.0;  // objects stand within [−3, 3]²

const V3 kTarget(0, 0.2, 0.3);

V3 vec(const double (&c)[3]) { return V3(c[0], c[1], c[2]); }
V3 lightOf(const World& w) { return vec(w.light).normalized(); }
V3 cameraOf(const World& w) { return V3(w.cameraDistance * std::sin(w.cameraAzimuth), -w.cameraDistance * std::cos(w.cameraAzimuth), w.cameraHeight); }

struct Hit {
    double t = INFINITY;
    V3 normal;
    int object = -1;  // −1: floor, −2: wall
};

void intersect(const SceneObject& o, int index, const V3& origin, const V3& dir, Hit& best) {
    auto consider = [&](double t, const V3& n) {
        if (t > 1e-6 && t < best.t) best = {t, n, index};
    };
    const V3 centre(o.x, o.y, o.size);
    if (o.shape == Shape::Sphere) {
        const V3 oc = origin - centre;
        const double b = oc.dot(dir), c = oc.squaredNorm() - o.size * o.size, disc = b * b - c;
        if (disc < 0) return;
        const double t = -b - std::sqrt(disc);
        consider(t, (origin + t * dir - centre) / o.size);
    } else if (o.shape == Shape::Cube) {
        // Slab test in the cube's frame (rotated about z).
        const double ca = std::cos(o.angle), sa = std::sin(o.angle);
        auto toLocal = [&](const V3& v) { return V3(ca * v.x() + sa * v.y(), -sa * v.x() + ca * v.y(), v.z()); };
        const V3 lo = toLocal(origin - centre), ld = toLocal(dir);
        double tmin = -INFINITY, tmax = INFINITY;
        int axis = 0;
        double sign = 1;
        for (int k = 0; k < 3; ++k) {
            if (std::abs(ld[k]) < 1e-12) {
                if (std::abs(lo[k]) > o.size) return;
                continue;
            }
            double t1 = (-o.size - lo[k]) / ld[k], t2 = (o.size - lo[k]) / ld[k];
            const double s = t1 < t2 ? -1 : 1;
            if (t1 > t2) std::swap(t1, t2);
            if (t1 > tmin) {
                tmin = t1;
                axis = k;
                sign = s;
            }
            tmax = std::min(tmax, t2);
        }
        if (tmin > tmax) return;
        V3 n = V3::Zero();
        n[axis] = sign;
        consider(tmin, V3(ca * n.x() - sa * n.y(), sa * n.x() + ca * n.y(), n.z()));
    } else {
        // Vertical cylinder of radius size, z in [0, 2 size], with a top cap.
        const double dx = origin.x() - o.x, dy = origin.y() - o.y;
        const double a = dir.x() * dir.x() + dir.y() * dir.y();
        if (a > 1e-12) {
            const double b = dx * dir.x() + dy * dir.y(), c = dx * dx + dy * dy - o.size * o.size, disc = b * b - a * c;
            if (disc >= 0) {
                const double t = (-b - std::sqrt(disc)) / a, z = origin.z() + t * dir.z();
                if (z >= 0 && z <= 2 * o.size) consider(t, V3(dx + t * dir.x(), dy + t * dir.y(), 0) / o.size);
            }
        }
        if (std::abs(dir.z()) > 1e-12) {
            const double t = (2 * o.size - origin.z()) / dir.z();
            const double px = origin.x() + t * dir.x() - o.x, py = origin.y() + t * dir.y() - o.y;
            if (px * px + py * py <= o.size * o.size) consider(t, V3(0, 0, 1));
        }
    }
}

Hit trace(const Scene& s, const V3& origin, const V3& dir) {
    Hit best;
    for (size_t i = 0; i < s.objects.size(); ++i) intersect(s.objects[i], static_cast<int>(i), origin, dir, best);
    if (dir.z() < 0) {
        const double t = -origin.z() / dir.z();
        if (t > 1e-6 && t < best.t && !(s.world.wall && origin.y() + t * dir.y() > s.world.wallY)) best = {t, V3(0, 0, 1), -1};
    }
    if (s.world.wall && dir.y() > 0) {
        const double t = (s.world.wallY - origin.y()) / dir.y();
        if (t > 1e-6 && t < best.t && origin.z() + t * dir.z() >= 0) best = {t, V3(0, -1, 0), -2};
    }
    return best;
}

V3 shade(const Scene& s, const V3& origin, const V3& dir) {
    const World& w = s.world;
    const Hit h = trace(s, origin, dir);
    if (!std::isfinite(h.t)) return vec(w.background);  // far background
    const V3 p = origin + h.t * dir;
    const V3 light = lightOf(w), lightColour = vec(w.lightColour);
    const bool lit = !std::isfinite(trace(s, p + 1e-4 * h.normal, light).t);
    const double diffuse = lit ? std::max(0.0, h.normal.dot(light)) : 0.0;
    if (h.object == -2) return vec(w.wallColour).cwiseProduct(V3::Constant(0.5) + 0.5 * diffuse * lightColour);
    if (h.object < 0) {
        const double fade = std::exp(-0.015 * (p.x() * p.x() + p.y() * p.y()));  // soft vignette on the floor
        V3 floor = vec(w.floor);
        if (w.floorPattern == 1 && (static_cast<int>(std::floor(p.x() / w.patternScale)) + static_cast<int>(std::floor(p.y() / w.patternScale))) % 2)
            floor *= 1 - w.patternContrast;
        if (w.floorPattern == 2 && static_cast<int>(std::floor((p.x() + p.y()) / w.patternScale)) % 2) floor *= 1 - w.patternContrast;
        return floor.cwiseProduct(V3::Constant(0.45) + 0.55 * diffuse * lightColour) * (0.85 + 0.15 * fade);
    }
    const SceneObject& o = s.objects[h.object];
    const V3 base(o.r, o.g, o.b);
    const V3 halfway = (light - dir).normalized();
    const double spec = lit ? std::pow(std::max(0.0, h.normal.dot(halfway)), o.metal ? 60.0 : 12.0) * (o.metal ? 0.9 : 0.15) : 0.0;
    const double ambient = w.ambient + 0.1 * h.normal.z();
    return base.cwiseProduct(V3::Constant(ambient) + 0.7 * diffuse * lightColour) + spec * lightColour;
}

// Up to `count` objects placed at random on the floor, each at least gap·(sum of sizes) + margin from
// the others (200 attempts). `sized` draws the size and returns what draws the colour; the draws
// happen in the generator's historical order (shape, size, x, y, angle, colour, material) so that
// randomScene's scenes stay what they have always been.
template <typename Sized>
void placeObjects(Scene& s, Random& rng, int count, double gap, double margin, Sized&& sized) {
    for (int attempt = 0; static_cast<int>(s.objects.size()) < count && attempt < 200; ++attempt) {
        SceneObject o;
        o.shape = static_cast<Shape>(rng.below(3));
        const auto colour = sized(rng, o);
        o.x = rng.uniform(-kFloorExtent + o.size, kFloorExtent - o.size);
        o.y = rng.uniform(-kFloorExtent + o.size, kFloorExtent - o.size);
        o.angle = rng.uniform(0, std::numbers::pi / 2);
        colour();
        o.metal = rng.below(2);
        bool clear = true;
        for (const SceneObject& other : s.objects) clear = clear && std::hypot(o.x - other.x, o.y - other.y) > (o.size + other.size) * gap + margin;
        if (clear) s.objects.push_back(o);
    }
}

}  // namespace

Scene randomScene(uint64_t seed) {
    Random rng{seed * 0x2545f4914f6cdd1dull + 1};
    Scene s;
    placeObjects(s, rng, 1 + rng.below(3), 1.45, 0.15, [](Random& r, SceneObject& o) {
        o.size = r.below(2) ? 0.7 : 0.4;
        return [rng = &r, obj = &o] {
            const Colour& c = kColours[rng->below(8)];
            obj->r = c.r, obj->g = c.g, obj->b = c.b;
        };
    });
    return s;
}

Scene randomWorldScene(uint64_t seed) {
    Random rng{seed * 0x9e3779b97f4a7c15ull + 0x632be59bd9b4e019ull};
    Scene s;
    World& w = s.world;
    for (double& c : w.floor) c = rng.uniform(0.15, 0.85);
    w.floorPattern = rng.below(3);
    w.patternScale = rng.uniform(0.4, 2.0);
    w.patternContrast = rng.uniform(0.05, 0.35);
    w.wall = rng.below(2);
    w.wallY = rng.uniform(3.2, 6);
    for (double& c : w.wallColour) c = rng.uniform(0.15, 0.9);
    for (double& c : w.background) c = rng.uniform(0.1, 0.95);
    w.light[0] = rng.uniform(-1, 1), w.light[1] = rng.uniform(-1, 0.5), w.light[2] = rng.uniform(0.35, 1.2);
    for (double& c : w.lightColour) c = rng.uniform(0.75, 1.15);
    w.ambient = rng.uniform(0.15, 0.45);
    w.cameraDistance = rng.uniform(7.5, 11.5);
    w.cameraHeight = rng.uniform(3.0, 9.0);
    w.cameraAzimuth = rng.uniform(-0.6, 0.6);
    w.fieldOfView = rng.uniform(32, 50);
    placeObjects(s, rng, 1 + rng.below(4), 1.3, 0.1, [](Random& r, SceneObject& o) {
        o.size = r.uniform(0.3, 0.9);
        return [rng = &r, obj = &o] { obj->r = rng->uniform(0.03, 1), obj->g = rng->uniform(0.03, 1), obj->b = rng->uniform(0.03, 1); };
    });
    return s;
}

RgbImage renderScene(const Scene& scene, int size) {
    if (size < 8 || size > 4096) throw InputError("image size must be between 8 and 4096, got " + std::to_string(size));
    RgbImage img{size, size, std::vector<uint8_t>(static_cast<size_t>(size) * size * 3)};
    const V3 camera = cameraOf(scene.world);
    const V3 forward = (kTarget - camera).normalized();
    const V3 right = forward.cross(V3(0, 0, 1)).normalized();
    const V3 up = right.cross(forward);
    const double halfWidth = std::tan(0.5 * scene.world.fieldOfView * std::numbers::pi / 180);
    constexpr int kSub = 3;  // 3×3 supersampling against jagged edges
    for (int j = 0; j < size; ++j)
        for (int i = 0; i < size; ++i) {
            V3 sum = V3::Zero();
            for (int sj = 0; sj < kSub; ++sj)
                for (int si = 0; si < kSub; ++si) {
                    const double u = ((i + (si + 0.5) / kSub) / size * 2 - 1) * halfWidth;
                    const double v = (1 - (j + (sj + 0.5) / kSub) / size * 2) * halfWidth;
                    sum += shade(scene, camera, (forward + u * right + v * up).normalized());
                }
            const V3 c = sum / (kSub * kSub);
            for (int k = 0; k < 3; ++k)
                img.rgb[(static_cast<size_t>(j) * size + i) * 3 + k] =
                    static_cast<uint8_t>(std::lround(255 * std::pow(std::clamp(c[k], 0.0, 1.0), 1 / 2.2)));
        }
    return img;
}

std::vector<RgbImage> renderSceneVideo(uint64_t seed, int frames, int size) {
    if (frames < 2) throw InputError("a video needs at least 2 frames, got " + std::to_string(frames));
    Scene s = randomScene(seed);
    Random rng{seed ^ 0x5851f42d4c957f2dull};
    SceneObject& mover = s.objects[rng.below(static_cast<int>(s.objects.size()))];
    const double x0 = mover.x, y0 = mover.y;
    const double heading = rng.uniform(0, 2 * std::numbers::pi), distance = rng.uniform(1.0, 2.5);
    const double lim = kFloorExtent - mover.size;
    const double x1 = std::clamp(x0 + distance * std::cos(heading), -lim, lim);
    const double y1 = std::clamp(y0 + distance * std::sin(heading), -lim, lim);
    std::vector<RgbImage> out;
    for (int f = 0; f < frames; ++f) {
        const double t = static_cast<double>(f) / (frames - 1);
        mover.x = x0 + t * (x1 - x0);
        mover.y = y0 + t * (y1 - y0);
        out.push_back(renderScene(s, size));
    }
    return out;
}

std::string describeScene(const Scene& s) {
    static const char* shapes[] = {"sphere", "cube", "cylinder"};
    std::ostringstream out;
    for (size_t i = 0; i < s.objects.size(); ++i) {
        const SceneObject& o = s.objects[i];
        const char* colour = "custom";
        for (const Colour& c : kColours)
            if (c.r == o.r && c.g == o.g && c.b == o.b) colour = c.name;
        out << (i ? "; " : "") << (o.size > 0.5 ? "large " : "small ") << colour << (o.metal ? " metal " : " rubber ")
            << shapes[static_cast<int>(o.shape)] << " at (" << o.x << ", " << o.y << ")";
    }
    return out.str();
}

}  // namespace geo
