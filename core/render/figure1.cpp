#include "render/figure1.h"

#include <cmath>
#include <cstdio>
#include <opencv2/imgcodecs.hpp>
#include <sstream>

#include "common/atomic_file.h"
#include "common/errors.h"
#include "curve/polyline.h"
#include "toy/toy_export.h"
#include "render/plot_canvas.h"
#include "field/field_grid.h"

namespace geo {

namespace {

constexpr double kHeatDepth = 12;  // nats of log p shown below the maximum
const cv::Scalar kGeodesic(60, 60, 235), kStraight(255, 255, 255), kStraightInk(200, 120, 30);

std::vector<cv::Point2d> toCv(const Points& p) {
    std::vector<cv::Point2d> out;
    for (Eigen::Index i = 0; i < p.rows(); ++i) out.emplace_back(p(i, 0), p(i, 1));
    return out;
}

std::string shortNumber(double v) {
    char buf[32];
    std::snprintf(buf, sizeof buf, v < 1e4 ? "%.3g" : "%.2e", v);
    return buf;
}

void drawLandscape(render::PlotCanvas& c, const FieldGrid& grid, const std::vector<Segment>& contours) {
    const double top = grid.maxLogp();
    c.heatmap(grid, top - kHeatDepth, top);
    c.segments(contours, cv::Scalar(235, 235, 235), 1);
}

std::string fieldCsv(const FieldGrid& g) {
    std::ostringstream out;
    out.precision(10);
    out << "x,y,log_density\n";
    for (int j = 0; j < g.ny; ++j)
        for (int i = 0; i < g.nx; ++i) out << g.x(i) << ',' << g.y(j) << ',' << g.at(i, j) << '\n';
    return out.str();
}

}  // namespace

Figure1Files writeFigure1(const ToyScene& scene, const std::filesystem::path& dir, const BvpOptions& options) {
    ensureFolder(dir);

    const ToyBvpOutcome o = solveToyBvp(*scene.field, scene.from, scene.to, options);
    const Box& view = scene.view;
    const FieldGrid grid = sampleLogDensity(*scene.field, view, 240, 200);
    const std::vector<Segment> contours = contourSet(grid, 8, kHeatDepth);

    const int panelW = 620, panelH = 560;
    cv::Mat image(panelH, 3 * panelW, CV_8UC3, cv::Scalar(255, 255, 255));
    const double x0 = view.lo[0], x1 = view.hi[0], y0 = view.lo[1], y1 = view.hi[1];

    // (a) The landscape: log p, its contours and the score field.
    render::PlotCanvas a(image, {0, 0, panelW, panelH}, x0, x1, y0, y1);
    drawLandscape(a, grid, contours);
    const ScoreArrows arrows = scoreArrows(*scene.field, view, 18, 15);
    for (Eigen::Index i = 0; i < arrows.vectors.rows(); ++i)
        a.arrow({arrows.positions(i, 0), arrows.positions(i, 1)}, {arrows.vectors(i, 0), arrows.vectors(i, 1)},
                cv::Scalar(255, 255, 255));
    a.axes("(a) log p(x), contours and score grad log p", "x", "y");

    // (b) The two paths between the endpoints.
    render::PlotCanvas b(image, {panelW, 0, panelW, panelH}, x0, x1, y0, y1);
    drawLandscape(b, grid, contours);
    b.polyline(toCv(o.straight), kStraight, 2, true);
    b.polyline(toCv(o.geodesic), kGeodesic, 3);
    b.marker({scene.from[0], scene.from[1]}, cv::Scalar(30, 30, 30), "A");
    b.marker({scene.to[0], scene.to[1]}, cv::Scalar(30, 30, 30), "B");
    b.axes("(b) density geodesic (red) and straight line (white)", "x", "y");

    // (c) The density along both paths.
    const Eigen::VectorXd gs = normalisedArcLength(o.geodesic), ss = normalisedArcLength(o.straight);
    const Eigen::VectorXd gp = o.geodesicReport.logDensity.array().exp(), sp = o.straightReport.logDensity.array().exp();
    const double pmax = std::max(gp.maxCoeff(), sp.maxCoeff()) * 1.15;
    render::PlotCanvas c(image, {2 * panelW, 0, panelW, panelH}, 0, 1, 0, pmax);
    std::vector<cv::Point2d> gcurve, scurve;
    for (Eigen::Index i = 0; i < gs.size(); ++i) gcurve.emplace_back(gs[i], gp[i]);
    for (Eigen::Index i = 0; i < ss.size(); ++i) scurve.emplace_back(ss[i], sp[i]);
    c.polyline(scurve, kStraightInk, 2, true);
    c.polyline(gcurve, kGeodesic, 3);
    c.axes("(c) density along the paths", "normalised arc length", "p(x)");
    c.legend({{"geodesic, length " + shortNumber(o.geodesicReport.length), kGeodesic},
              {"straight, length " + shortNumber(o.straightReport.length), kStraightInk}});

    Figure1Files files{dir / "figure1.png", dir / "figure1_paths.csv", dir / "figure1_field.csv", dir / "figure1.json"};
    std::vector<uchar> png;
    if (!cv::imencode(".png", image, png)) throw InputError("could not encode " + files.png.string());
    writeFileAtomically(files.png, std::string_view(reinterpret_cast<const char*>(png.data()), png.size()));
    writeFileAtomically(files.pathsCsv, toyBvpCsv(o));
    writeFileAtomically(files.fieldCsv, fieldCsv(grid));
    nlohmann::json summary = toyBvpJson(o);
    summary["preset"] = scene.name;
    summary["from"] = {scene.from[0], scene.from[1]};
    summary["to"] = {scene.to[0], scene.to[1]};
    writeFileAtomically(files.summaryJson, summary.dump(2) + "\n");
    return files;
}

}  // namespace geo
