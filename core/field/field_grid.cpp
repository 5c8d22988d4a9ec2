#include "field/field_grid.h"

#include <algorithm>
#include <stdexcept>

namespace geo {

double FieldGrid::maxLogp() const { return *std::max_element(logp.begin(), logp.end()); }

namespace {
Points lattice(const Box& box, int nx, int ny, double inset) {
    Points p(static_cast<Eigen::Index>(nx) * ny, 2);
    for (int j = 0; j < ny; ++j)
        for (int i = 0; i < nx; ++i) {
            const double u = nx == 1 ? 0.5 : inset + (1 - 2 * inset) * i / (nx - 1);
            const double v = ny == 1 ? 0.5 : inset + (1 - 2 * inset) * j / (ny - 1);
            p(j * nx + i, 0) = box.lo[0] + u * (box.hi[0] - box.lo[0]);
            p(j * nx + i, 1) = box.lo[1] + v * (box.hi[1] - box.lo[1]);
        }
    return p;
}
}  // namespace

FieldGrid sampleLogDensity(const Field& field, const Box& box, int nx, int ny) {
    if (field.dim() != 2 || nx < 2 || ny < 2) throw std::invalid_argument("sampleLogDensity needs a 2-D field and a grid of 2x2 or more");
    FieldGrid g{box, nx, ny, {}};
    const Eigen::VectorXd lp = field.logDensity(lattice(box, nx, ny, 0));
    g.logp.assign(lp.data(), lp.data() + lp.size());
    return g;
}

ScoreArrows scoreArrows(const Field& field, const Box& box, int nx, int ny) {
    ScoreArrows a;
    a.positions = lattice(box, nx, ny, 0.5 / std::max(nx, ny));
    a.vectors = field.score(a.positions);
    const Eigen::VectorXd norms = a.vectors.rowwise().norm();
    std::vector<double> sorted(norms.data(), norms.data() + norms.size());
    std::nth_element(sorted.begin(), sorted.begin() + sorted.size() / 2, sorted.end());
    const double typical = std::max(sorted[sorted.size() / 2], 1e-300);
    const double cell = std::min((box.hi[0] - box.lo[0]) / nx, (box.hi[1] - box.lo[1]) / ny);
    for (Eigen::Index i = 0; i < a.vectors.rows(); ++i) {
        const double n = norms[i];
        a.vectors.row(i) *= n > 0 ? 0.85 * cell / (n + typical) : 0.0;
    }
    return a;
}

}  // namespace geo
