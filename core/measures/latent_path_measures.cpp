#include "measures/latent_path_measures.h"

#include "measures/path_diagnostics.h"

namespace geo {

void projectRowsOff(Points& m, const Points& u) {
    for (Eigen::Index i = 0; i < m.rows(); ++i) {
        const double uu = u.row(i).squaredNorm();
        if (uu > 0) m.row(i) -= (m.row(i).dot(u.row(i)) / uu) * u.row(i);
    }
}

LatentPathMeasures measureLatentPath(const Points& x, const Points& scores, double alpha, bool sphere) {
    Points g = alpha * scores;
    if (sphere) projectRowsOff(g, x);
    LatentPathMeasures m;
    m.logDensity = lineIntegralLogDensity(x, g, 0);
    m.logLength = logLengthFromLogDensity(x, m.logDensity);
    return m;
}

}  // namespace geo
