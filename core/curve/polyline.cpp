#include "curve/polyline.h"

#include <algorithm>
#include <stdexcept>

namespace geo {

Points straightLine(const Eigen::VectorXd& a, const Eigen::VectorXd& b, int n) {
    if (n < 2 || a.size() != b.size()) throw std::invalid_argument("straightLine needs n >= 2 and endpoints of one dimension");
    Points p(n, a.size());
    for (int i = 0; i < n; ++i) p.row(i) = (a + (b - a) * (static_cast<double>(i) / (n - 1))).transpose();
    return p;
}

Eigen::VectorXd cumulativeArcLength(const Points& path) {
    Eigen::VectorXd s(path.rows());
    if (path.rows() == 0) return s;
    s[0] = 0;
    for (Eigen::Index i = 1; i < path.rows(); ++i) s[i] = s[i - 1] + (path.row(i) - path.row(i - 1)).norm();
    return s;
}

Eigen::VectorXd normalisedArcLength(const Points& path) {
    Eigen::VectorXd s = cumulativeArcLength(path);
    const double total = s.size() ? s[s.size() - 1] : 0;
    return total > 0 ? Eigen::VectorXd(s / total) : s;
}

double euclideanLength(const Points& path) {
    return path.rows() < 2 ? 0.0 : cumulativeArcLength(path)[path.rows() - 1];
}

Points resampleByArcLength(const Points& path, int n) {
    if (n < 2 || path.rows() < 2) throw std::invalid_argument("resampleByArcLength needs two or more points");
    const Eigen::VectorXd s = cumulativeArcLength(path);
    const double total = s[s.size() - 1];
    Points out(n, path.cols());
    out.row(0) = path.row(0);
    out.row(n - 1) = path.row(path.rows() - 1);
    Eigen::Index seg = 0;
    for (int i = 1; i + 1 < n; ++i) {
        const double target = total * i / (n - 1);
        while (seg + 2 < s.size() && s[seg + 1] < target) ++seg;
        const double len = s[seg + 1] - s[seg];
        const double t = len > 0 ? std::clamp((target - s[seg]) / len, 0.0, 1.0) : 0.0;
        out.row(i) = (1 - t) * path.row(seg) + t * path.row(seg + 1);
    }
    return out;
}

Eigen::VectorXd initialDirection(const Points& path) {
    if (path.rows() < 2) throw std::invalid_argument("initialDirection needs two or more points");
    Eigen::VectorXd d = path.rows() >= 3
        ? Eigen::VectorXd((-3 * path.row(0) + 4 * path.row(1) - path.row(2)).transpose())
        : Eigen::VectorXd((path.row(1) - path.row(0)).transpose());
    return d / d.norm();
}

}  // namespace geo
