#include "toy/contours.h"

namespace geo {

std::vector<Segment> contourSegments(const FieldGrid& g, double level) {
    std::vector<Segment> out;
    auto point = [&](int i0, int j0, int i1, int j1) {
        const double a = g.at(i0, j0) - level, b = g.at(i1, j1) - level;
        const double t = a / (a - b);
        return Eigen::Vector2d(g.x(i0) + t * (g.x(i1) - g.x(i0)), g.y(j0) + t * (g.y(j1) - g.y(j0)));
    };
    for (int j = 0; j + 1 < g.ny; ++j)
        for (int i = 0; i + 1 < g.nx; ++i) {
            // Corners counter-clockwise from bottom-left; edges 0 bottom, 1 right, 2 top, 3 left.
            const bool c0 = g.at(i, j) > level, c1 = g.at(i + 1, j) > level;
            const bool c2 = g.at(i + 1, j + 1) > level, c3 = g.at(i, j + 1) > level;
            const int code = c0 | (c1 << 1) | (c2 << 2) | (c3 << 3);
            if (code == 0 || code == 15) continue;
            auto edge = [&](int e) {
                switch (e) {
                    case 0: return point(i, j, i + 1, j);
                    case 1: return point(i + 1, j, i + 1, j + 1);
                    case 2: return point(i, j + 1, i + 1, j + 1);
                    default: return point(i, j, i, j + 1);
                }
            };
            // Edges crossed for each corner pattern; saddles (5, 10) are split by the cell's mean.
            static const int table[16][4] = {{-1, -1, -1, -1}, {3, 0, -1, -1}, {0, 1, -1, -1}, {3, 1, -1, -1},
                                             {1, 2, -1, -1},   {3, 0, 1, 2},   {0, 2, -1, -1}, {3, 2, -1, -1},
                                             {2, 3, -1, -1},   {0, 2, -1, -1}, {0, 1, 2, 3},   {1, 2, -1, -1},
                                             {1, 3, -1, -1},   {0, 1, -1, -1}, {3, 0, -1, -1}, {-1, -1, -1, -1}};
            int e[4] = {table[code][0], table[code][1], table[code][2], table[code][3]};
            if (code == 5 || code == 10) {
                const double mean = 0.25 * (g.at(i, j) + g.at(i + 1, j) + g.at(i + 1, j + 1) + g.at(i, j + 1));
                if ((mean > level) == (code == 10)) {  // the centre joins the high corners of a 10, low of a 5
                    if (code == 5) { e[0] = 3; e[1] = 2; e[2] = 0; e[3] = 1; }
                    else { e[0] = 0; e[1] = 3; e[2] = 1; e[3] = 2; }
                }
            }
            out.push_back({edge(e[0]), edge(e[1])});
            if (e[2] >= 0) out.push_back({edge(e[2]), edge(e[3])});
        }
    return out;
}

std::vector<double> contourLevels(const FieldGrid& grid, int count, double depth) {
    std::vector<double> levels;
    const double top = grid.maxLogp();
    for (int k = 1; k <= count; ++k) levels.push_back(top - depth * (k - 0.5) / count);
    return levels;
}

std::vector<Segment> contourSet(const FieldGrid& grid, int count, double depth) {
    std::vector<Segment> all;
    for (double level : contourLevels(grid, count, depth)) {
        const auto s = contourSegments(grid, level);
        all.insert(all.end(), s.begin(), s.end());
    }
    return all;
}

}  // namespace geo
