#include "render/line_plot.h"

#include <algorithm>
#include <cmath>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

#include "common/atomic_file.h"
#include "common/errors.h"
#include "render/plot_canvas.h"

namespace geo {

void writeLinePlot(const std::filesystem::path& png, const std::string& title, const std::string& xLabel, const std::string& yLabel,
                   const std::vector<PlotSeries>& series, int width, int height) {
    double x0 = INFINITY, x1 = -INFINITY, y0 = INFINITY, y1 = -INFINITY;
    for (const PlotSeries& s : series)
        for (size_t i = 0; i < s.x.size() && i < s.y.size(); ++i)
            if (std::isfinite(s.x[i]) && std::isfinite(s.y[i])) {
                x0 = std::min(x0, s.x[i]), x1 = std::max(x1, s.x[i]);
                y0 = std::min(y0, s.y[i]), y1 = std::max(y1, s.y[i]);
            }
    if (!std::isfinite(x0)) throw InputError("a plot with no finite point: " + png.string());
    if (x1 <= x0) x0 -= 0.5, x1 += 0.5;
    const double pad = y1 > y0 ? 0.06 * (y1 - y0) : 0.5;
    y0 -= pad, y1 += pad;
    cv::Mat image(height, width, CV_8UC3, cv::Scalar(255, 255, 255));
    render::PlotCanvas canvas(image, {0, 0, width, height}, x0, x1, y0, y1);
    std::vector<std::pair<std::string, cv::Scalar>> legend;
    for (const PlotSeries& s : series) {
        const cv::Scalar colour(s.blue, s.green, s.red);  // OpenCV images are BGR
        std::vector<cv::Point2d> run;
        const auto flush = [&] {
            if (run.size() >= 2) canvas.polyline(run, colour, 2, s.dashed);
            run.clear();
        };
        for (size_t i = 0; i < s.x.size() && i < s.y.size(); ++i) {
            if (!(std::isfinite(s.x[i]) && std::isfinite(s.y[i]))) {
                flush();
                continue;
            }
            run.push_back({s.x[i], s.y[i]});
            if (s.markers) cv::circle(image, canvas.toPixel(s.x[i], s.y[i]), 3, colour, cv::FILLED, cv::LINE_AA);
        }
        flush();
        legend.push_back({s.label, colour});
    }
    canvas.axes(title, xLabel, yLabel);
    canvas.legend(legend);
    std::vector<uchar> bytes;
    if (!cv::imencode(".png", image, bytes)) throw InputError("could not encode " + png.string());
    writeFileAtomically(png, std::string_view(reinterpret_cast<const char*>(bytes.data()), bytes.size()));
}

}  // namespace geo
