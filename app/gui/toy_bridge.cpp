#include "toy_bridge.h"

#include "curve/polyline.h"
#include "toy/contours.h"
#include "field/field_grid.h"

QVector<QPointF> toQPoints(const geo::Points& p) {
    QVector<QPointF> out(p.rows());
    for (Eigen::Index i = 0; i < p.rows(); ++i) out[i] = {p(i, 0), p(i, 1)};
    return out;
}

Eigen::Vector2d toEigen(QPointF p) { return {p.x(), p.y()}; }
QPointF toQPoint(const Eigen::Vector2d& p) { return {p[0], p[1]}; }

widgets::Landscape makeLandscape(const geo::ToyScene& scene) {
    constexpr double kDepth = 12;
    const geo::FieldGrid grid = geo::sampleLogDensity(*scene.field, scene.view, 220, 180);
    widgets::Landscape l;
    l.box = QRectF(QPointF(scene.view.lo[0], scene.view.lo[1]), QPointF(scene.view.hi[0], scene.view.hi[1]));
    l.nx = grid.nx;
    l.ny = grid.ny;
    l.logDensity = QVector<double>(grid.logp.begin(), grid.logp.end());
    l.high = grid.maxLogp();
    l.low = l.high - kDepth;
    for (const geo::Segment& s : geo::contourSet(grid, 10, kDepth)) l.contours << QLineF(toQPoint(s[0]), toQPoint(s[1]));
    const geo::ScoreArrows arrows = geo::scoreArrows(*scene.field, scene.view, 20, 16);
    for (Eigen::Index i = 0; i < arrows.positions.rows(); ++i) {
        l.arrowOrigins << QPointF(arrows.positions(i, 0), arrows.positions(i, 1));
        l.arrowVectors << QPointF(arrows.vectors(i, 0), arrows.vectors(i, 1));
    }
    return l;
}

widgets::DensityCurve densityCurve(const geo::Points& path, const geo::PathReport& report) {
    widgets::DensityCurve c;
    const Eigen::VectorXd s = geo::normalisedArcLength(path);
    const Eigen::VectorXd& lp = report.logDensity.size() ? report.logDensity : report.logDensityLineIntegral;
    for (Eigen::Index i = 0; i < s.size(); ++i) {
        c.arcLength << s[i];
        c.density << std::exp(lp[i]);
    }
    c.length = report.length;
    return c;
}
