#include "toy/presets.h"

#include <cmath>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <numbers>

#include "common/errors.h"
#include "field/field_json.h"
#include "field/gaussian_mixture.h"
#include "field/muller_brown.h"
#include "io/json_file.h"

namespace geo {

namespace {

struct MixtureBuilder {
    std::vector<double> w;
    std::vector<Eigen::VectorXd> mu;
    std::vector<Eigen::MatrixXd> cov;

    void add(double weight, double x, double y, double var) { addAligned(weight, x, y, var, var, 0); }
    // A component with variances along and across the direction `angle`.
    void addAligned(double weight, double x, double y, double varAlong, double varAcross, double angle) {
        Eigen::Matrix2d r;
        r << std::cos(angle), -std::sin(angle), std::sin(angle), std::cos(angle);
        w.push_back(weight);
        mu.push_back(Eigen::Vector2d(x, y));
        cov.push_back(r * Eigen::Vector2d(varAlong, varAcross).asDiagonal() * r.transpose());
    }
    // `count` equal components along the circular arc from angle a0 to a1 (radians).
    void arc(int count, double totalWeight, double cx, double cy, double radius, double a0, double a1, double var) {
        for (int i = 0; i < count; ++i) {
            const double a = a0 + (a1 - a0) * i / (count - 1);
            add(totalWeight / count, cx + radius * std::cos(a), cy + radius * std::sin(a), var);
        }
    }
    std::shared_ptr<const Field> build() { return std::make_shared<GaussianMixture>(w, mu, cov); }
};

Box box(double x0, double x1, double y0, double y1) { return {Eigen::Vector2d(x0, y0), Eigen::Vector2d(x1, y1)}; }

constexpr double deg = std::numbers::pi / 180;

ToyScene figure1() {
    // Two wide modes joined by a thin curved bridge; the straight segment crosses an empty gap.
    MixtureBuilder m;
    m.add(0.3, -2, 0, 0.2);
    m.add(0.3, 2, 0, 0.2);
    m.arc(9, 0.4, 0, 0, 2, 25 * deg, 155 * deg, 0.06);
    return {"figure1", "Two modes joined by a curved high-density bridge (Figure 1 of Yu et al.)", m.build(),
            {-2, 0}, {2, 0}, box(-3.2, 3.2, -1.6, 2.8)};
}

ToyScene ring() {
    MixtureBuilder m;
    m.arc(16, 1.0, 0, 0, 2, 0, 2 * std::numbers::pi * 15 / 16, 0.05);
    return {"ring", "A ring of density; the geodesic follows the shorter arc", m.build(),
            {2, 0}, {2 * std::cos(135 * deg), 2 * std::sin(135 * deg)}, box(-3, 3, -3, 3)};
}

ToyScene banana() {
    // A curved ridge y = 0.5 x² − 1.5 made of components stretched along its tangent.
    MixtureBuilder m;
    for (int i = 0; i < 11; ++i) {
        const double x = -2.2 + 4.4 * i / 10;
        m.addAligned(1.0 / 11, x, 0.5 * x * x - 1.5, 0.12, 0.02, std::atan(x));
    }
    return {"banana", "A banana-shaped ridge between its two tips", m.build(), {-2, 0.5}, {2, 0.5},
            box(-3, 3, -2.3, 2.2)};
}

ToyScene twoRoutes() {
    // A short dense route near the straight segment would be found by descent; here the nearer
    // route (below) is sparse and the farther one (above) dense, so the globally shortest geodesic
    // is the far one and descent from the straight segment lands on the wrong route.
    MixtureBuilder m;
    m.add(0.2, -2.5, 0, 0.12);
    m.add(0.2, 2.5, 0, 0.12);
    const double upperR = (2.5 * 2.5 + 1.6 * 1.6) / (2 * 1.6);  // circle through (±2.5, 0) and (0, 1.6)
    const double upperA = std::asin(2.5 / upperR);
    m.arc(15, 0.45, 0, 1.6 - upperR, upperR, std::numbers::pi / 2 - upperA, std::numbers::pi / 2 + upperA, 0.05);
    const double lowerR = (2.5 * 2.5 + 0.7 * 0.7) / (2 * 0.7);  // circle through (±2.5, 0) and (0, −0.7)
    const double lowerA = std::asin(2.5 / lowerR);
    m.arc(13, 0.15, 0, lowerR - 0.7, lowerR, -std::numbers::pi / 2 - lowerA, -std::numbers::pi / 2 + lowerA, 0.05);
    return {"two-routes", "A near sparse route and a far dense one: only a global search finds the shorter",
            m.build(), {-2.5, 0}, {2.5, 0}, box(-3.4, 3.4, -1.8, 2.4)};
}

ToyScene mullerBrown() {
    return {"muller-brown", "Müller–Brown potential as the Boltzmann density exp(-U/T), T = 20",
            std::make_shared<MullerBrown>(20.0), {-0.558, 1.442}, {0.623, 0.028}, box(-1.6, 1.2, -0.5, 2.1)};
}

}  // namespace

std::vector<std::string> presetNames() { return {"figure1", "ring", "banana", "two-routes", "muller-brown"}; }

ToyScene preset(const std::string& name) {
    if (name == "figure1") return figure1();
    if (name == "ring") return ring();
    if (name == "banana") return banana();
    if (name == "two-routes") return twoRoutes();
    if (name == "muller-brown") return mullerBrown();
    throw unknownNameError("preset", name, presetNames());
}

ToyScene sceneFromFile(const std::string& path) {
    const nlohmann::json j = readJsonFile(path);
    ToyScene s;
    s.field = parseField(j, path);
    if (s.field->dim() != 2)
        throw InputError(path + ": the toy mode needs a 2-D field, this one has " + std::to_string(s.field->dim()) +
                         " dimensions");
    s.name = std::filesystem::path(path).filename().string();
    s.description = s.field->describe();
    const Box b = s.field->bounds();
    const Eigen::Vector2d mid = 0.5 * (b.lo + b.hi);
    s.from = {b.lo[0], mid[1]};
    s.to = {b.hi[0], mid[1]};
    auto point = [&](const char* k, Eigen::Vector2d& out) {
        if (!j.contains(k)) return;
        const auto& v = j[k];
        if (!v.is_array() || v.size() != 2 || !v[0].is_number() || !v[1].is_number())
            throw InputError(path + ": \"" + k + "\" must be [x, y]");
        out = {v[0].get<double>(), v[1].get<double>()};
    };
    point("from", s.from);
    point("to", s.to);
    s.view = b.united(s.from).united(s.to).padded(0.08);
    return s;
}

}  // namespace geo
