#include "scenes/painted_scene.h"

#include <algorithm>
#include <cmath>
#include <opencv2/imgproc.hpp>
#include <vector>

#include "common/errors.h"
#include "scenes/splitmix.h"

namespace geo {

namespace {

// Its own stream of the scene generator's generator.
struct Rng : SplitMix {
    double u(double lo, double hi) { return uniform(lo, hi); }
};

cv::Scalar colour(Rng& r, double lo, double hi) { return cv::Scalar(r.u(lo, hi), r.u(lo, hi), r.u(lo, hi)); }
cv::Scalar scaled(const cv::Scalar& c, double k) { return cv::Scalar(c[0] * k, c[1] * k, c[2] * k); }

}  // namespace

RgbImage renderPaintedScene(uint64_t seed, int size) {
    if (size < 16 || size > 4096) throw InputError("image size must be between 16 and 4096, got " + std::to_string(size));
    Rng r{{seed * 0x9e3779b97f4a7c15ull + 0x1234567ull}};
    const int s = size * 4;  // painted at 4× and shrunk: smooth edges
    cv::Mat img(s, s, CV_64FC3);
    const double horizon = r.u(0.25, 0.55) * s;
    const cv::Scalar wall = colour(r, 0.25, 0.85), floor = colour(r, 0.2, 0.8), tint = colour(r, 0.85, 1.0);
    // Wall: a vertical gradient; floor: darker toward the horizon, optionally checked or striped.
    const int texture = r.below(4) % 3;  // half plain, a quarter checked, a quarter striped
    const double tile = r.u(0.15, 0.3) * s;
    for (int y = 0; y < s; ++y)
        for (int x = 0; x < s; ++x) {
            cv::Scalar c;
            if (y < horizon) {
                c = scaled(wall, 0.75 + 0.35 * y / horizon);
            } else {
                const double depth = (y - horizon) / (s - horizon);  // 0 at the horizon, 1 at the bottom
                c = scaled(floor, 0.6 + 0.45 * depth);
                const double px = (x - s / 2.0) / (0.2 + depth), py = 1.0 / (0.05 + depth);
                if (texture == 1 && (static_cast<int>(std::floor(px / tile)) + static_cast<int>(std::floor(py * s / tile / 8))) % 2) c = scaled(c, 0.88);
                if (texture == 2 && static_cast<int>(std::floor(px / tile)) % 2) c = scaled(c, 0.92);
            }
            img.at<cv::Vec3d>(y, x) = cv::Vec3d(c[0] * tint[0], c[1] * tint[1], c[2] * tint[2]);
        }
    const double lightSide = r.u(-1, 1);  // light from the left (−1) or right (+1)
    struct Item {
        double x, y, radius;
        int kind;
        cv::Scalar c;
    };
    std::vector<Item> items;
    const int n = 1 + r.below(4);
    for (int i = 0; i < n; ++i) {
        const double y = r.u(horizon + 0.12 * s, 0.92 * s), depth = (y - horizon) / (s - horizon);
        items.push_back({r.u(0.15, 0.85) * s, y, (0.05 + 0.08 * depth) * s * r.u(0.7, 1.3), r.below(3), colour(r, 0.05, 0.95)});
    }
    std::sort(items.begin(), items.end(), [](const Item& a, const Item& b) { return a.y < b.y; });  // far first
    for (const Item& it : items) {
        // Shadow: a blurred dark ellipse on the floor, away from the light.
        cv::Mat shadow = cv::Mat::zeros(s, s, CV_64FC1);
        cv::ellipse(shadow, cv::Point(static_cast<int>(it.x - lightSide * it.radius * 0.8), static_cast<int>(it.y)),
                    cv::Size(static_cast<int>(it.radius * 1.3), static_cast<int>(it.radius * 0.45)), 0, 0, 360, cv::Scalar(0.45), cv::FILLED);
        cv::GaussianBlur(shadow, shadow, cv::Size(0, 0), it.radius * 0.25 + 1);
        for (int y = 0; y < s; ++y)
            for (int x = 0; x < s; ++x) img.at<cv::Vec3d>(y, x) *= 1 - shadow.at<double>(y, x);
        const double h = it.kind == 0 ? it.radius * 2 : it.radius * r.u(1.4, 2.4);
        const cv::Point base(static_cast<int>(it.x), static_cast<int>(it.y));
        if (it.kind == 0) {  // a shaded disc: brighter toward the light
            for (int k = 12; k >= 1; --k) {
                const double f = k / 12.0, shade = 0.45 + 0.6 * (1 - f);
                const cv::Point c(static_cast<int>(it.x + lightSide * it.radius * 0.35 * (1 - f)), static_cast<int>(it.y - it.radius - it.radius * 0.35 * (1 - f)));
                cv::circle(img, c, static_cast<int>(it.radius * f), scaled(it.c, shade), cv::FILLED, cv::LINE_AA);
            }
        } else if (it.kind == 1) {  // a box: front face and a lit or shaded side, a top
            const double w = it.radius * 1.6, d = it.radius * 0.5;
            std::vector<cv::Point> front{{int(it.x - w / 2), int(it.y)}, {int(it.x + w / 2), int(it.y)}, {int(it.x + w / 2), int(it.y - h)}, {int(it.x - w / 2), int(it.y - h)}};
            std::vector<cv::Point> top{{int(it.x - w / 2), int(it.y - h)}, {int(it.x + w / 2), int(it.y - h)}, {int(it.x + w / 2 + d), int(it.y - h - d)}, {int(it.x - w / 2 + d), int(it.y - h - d)}};
            std::vector<cv::Point> side{{int(it.x + w / 2), int(it.y)}, {int(it.x + w / 2 + d), int(it.y - d)}, {int(it.x + w / 2 + d), int(it.y - h - d)}, {int(it.x + w / 2), int(it.y - h)}};
            cv::fillPoly(img, std::vector<std::vector<cv::Point>>{side}, scaled(it.c, lightSide > 0 ? 1.0 : 0.5), cv::LINE_AA);
            cv::fillPoly(img, std::vector<std::vector<cv::Point>>{front}, scaled(it.c, 0.75), cv::LINE_AA);
            cv::fillPoly(img, std::vector<std::vector<cv::Point>>{top}, scaled(it.c, 1.1), cv::LINE_AA);
        } else {  // a cylinder: shaded vertical bands between two ellipses
            const double w = it.radius;
            for (int k = -10; k <= 10; ++k) {
                const double f = k / 10.0, shade = 0.55 + 0.4 * std::max(0.0, 1 - std::abs(f - 0.5 * lightSide));
                const int x0 = static_cast<int>(it.x + f * w);
                cv::line(img, cv::Point(x0, static_cast<int>(it.y - 0.3 * w * std::sqrt(1 - f * f))), cv::Point(x0, static_cast<int>(it.y - h)),
                         scaled(it.c, shade), std::max(1, static_cast<int>(w / 8)), cv::LINE_AA);
            }
            cv::ellipse(img, cv::Point(base.x, static_cast<int>(it.y - h)), cv::Size(static_cast<int>(w), static_cast<int>(0.3 * w)), 0, 0, 360,
                        scaled(it.c, 1.1), cv::FILLED, cv::LINE_AA);
        }
    }
    cv::Mat small;
    cv::resize(img, small, cv::Size(size, size), 0, 0, cv::INTER_AREA);
    RgbImage out{size, size, std::vector<uint8_t>(static_cast<size_t>(size) * size * 3)};
    for (int y = 0; y < size; ++y)
        for (int x = 0; x < size; ++x)
            for (int k = 0; k < 3; ++k)
                out.rgb[(static_cast<size_t>(y) * size + x) * 3 + k] = static_cast<uint8_t>(std::lround(255 * std::clamp(small.at<cv::Vec3d>(y, x)[k], 0.0, 1.0)));
    return out;
}

}  // namespace geo
