// Toy-mode speed: a full BVP solve (graph search on a fresh grid, then refinement, 128 points), the
// same with the grid reused as during a drag, and 1 000 RK4 steps of the IVP.
#include <cstdio>

#include "curve/polyline.h"
#include "median.h"
#include "solver/density_bvp.h"
#include "solver/density_ivp.h"
#include "toy/presets.h"

int main() {
    using namespace geo;
    std::printf("%-14s %12s %14s %14s %6s\n", "preset", "full ms", "cached-grid ms", "1000 RK4 ms", "iters");
    for (const auto& name : presetNames()) {
        const ToyScene s = preset(name);
        const double full = medianMs(101, [&] { solveDensityBvp(*s.field, s.from, s.to); });
        const GridGraph graph(*s.field, graphSearchBox(*s.field, s.from, s.to), BvpOptions{}.gridSize);
        BvpOptions cached;
        cached.graph = &graph;
        const double reuse = medianMs(101, [&] { solveDensityBvp(*s.field, s.from, s.to, cached); });
        const BvpResult r = solveDensityBvp(*s.field, s.from, s.to);
        const Eigen::VectorXd v = initialDirection(r.path);
        const double rk4 = medianMs(101, [&] { shootDensityGeodesic(*s.field, s.from, v, euclideanLength(r.path), 1000); });
        std::printf("%-14s %12.2f %14.2f %14.3f %6d\n", name.c_str(), full, reuse, rk4, r.iterations);
    }
    std::printf("medians over 101 runs each\n");
}
