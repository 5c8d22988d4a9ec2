#include "render/plot_canvas.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <opencv2/imgproc.hpp>

namespace geo::render {

namespace {
const cv::Scalar kInk(40, 40, 40);
constexpr int kFont = cv::FONT_HERSHEY_SIMPLEX;

// Round tick spacing (1, 2 or 5 times a power of ten) giving about `target` ticks over the span.
double tickStep(double span, int target) {
    const double raw = span / target, mag = std::pow(10.0, std::floor(std::log10(raw)));
    const double f = raw / mag;
    return mag * (f < 1.5 ? 1 : f < 3.5 ? 2 : f < 7.5 ? 5 : 10);
}

// As many decimals as the step needs (0.002 → 3).
std::string tickLabel(double v, double step) {
    char buf[32];
    if (std::abs(v) < step * 1e-9) v = 0;
    std::snprintf(buf, sizeof buf, "%.*f", step >= 1 ? 0 : static_cast<int>(std::ceil(-std::log10(step) - 1e-9)), v);
    return buf;
}
}  // namespace

PlotCanvas::PlotCanvas(cv::Mat& image, cv::Rect frame, double x0, double x1, double y0, double y1)
    : image_(image),
      plot_(frame.x + 62, frame.y + 34, frame.width - 80, frame.height - 84),
      x0_(x0), x1_(x1), y0_(y0), y1_(y1) {}

cv::Point PlotCanvas::toPixel(double x, double y) const {
    return {static_cast<int>(std::lround(plot_.x + (x - x0_) / (x1_ - x0_) * plot_.width)),
            static_cast<int>(std::lround(plot_.y + (y1_ - y) / (y1_ - y0_) * plot_.height))};
}

void PlotCanvas::heatmap(const FieldGrid& grid, double lo, double hi) {
    cv::Mat values(grid.ny, grid.nx, CV_8UC1);
    for (int j = 0; j < grid.ny; ++j)
        for (int i = 0; i < grid.nx; ++i) {
            const double t = std::clamp((grid.at(i, j) - lo) / (hi - lo), 0.0, 1.0);
            values.at<uchar>(grid.ny - 1 - j, i) = static_cast<uchar>(std::lround(t * 255));  // y grows upwards
        }
    cv::Mat colour, scaled;
    cv::applyColorMap(values, colour, cv::COLORMAP_VIRIDIS);
    cv::resize(colour, scaled, plot_.size(), 0, 0, cv::INTER_LINEAR);
    scaled.copyTo(image_(plot_));
}

void PlotCanvas::segments(const std::vector<Segment>& segs, cv::Scalar colour, int thickness) {
    for (const Segment& s : segs)
        cv::line(image_, toPixel(s[0][0], s[0][1]), toPixel(s[1][0], s[1][1]), colour, thickness, cv::LINE_AA);
}

void PlotCanvas::polyline(const std::vector<cv::Point2d>& pts, cv::Scalar colour, int thickness, bool dashed) {
    constexpr double kDash = 9;  // pixels on, then off
    double run = 0;              // pixels drawn along the whole line so far
    for (size_t i = 0; i + 1 < pts.size(); ++i) {
        const cv::Point p = toPixel(pts[i].x, pts[i].y), q = toPixel(pts[i + 1].x, pts[i + 1].y);
        if (!dashed) {
            cv::line(image_, p, q, colour, thickness, cv::LINE_AA);
            continue;
        }
        const double len = std::hypot(q.x - p.x, q.y - p.y);
        double done = 0;
        while (done < len) {  // split the segment where the dash pattern switches
            const double phase = std::fmod(run, 2 * kDash);
            const double step = std::min(len - done, (phase < kDash ? kDash : 2 * kDash) - phase);
            if (phase < kDash) {
                const cv::Point2d a = cv::Point2d(p) + (cv::Point2d(q - p)) * (done / len);
                const cv::Point2d b = cv::Point2d(p) + (cv::Point2d(q - p)) * ((done + step) / len);
                cv::line(image_, cv::Point(a), cv::Point(b), colour, thickness, cv::LINE_AA);
            }
            done += step;
            run += step;
        }
    }
}

void PlotCanvas::arrow(cv::Point2d from, cv::Point2d delta, cv::Scalar colour) {
    const cv::Point p = toPixel(from.x, from.y), q = toPixel(from.x + delta.x, from.y + delta.y);
    if (p != q) cv::arrowedLine(image_, p, q, colour, 1, cv::LINE_AA, 0, 0.3);
}

void PlotCanvas::marker(cv::Point2d at, cv::Scalar colour, const std::string& label) {
    const cv::Point p = toPixel(at.x, at.y);
    cv::circle(image_, p, 7, cv::Scalar(255, 255, 255), -1, cv::LINE_AA);
    cv::circle(image_, p, 5, colour, -1, cv::LINE_AA);
    cv::putText(image_, label, p + cv::Point(9, -9), kFont, 0.6, cv::Scalar(255, 255, 255), 3, cv::LINE_AA);
    cv::putText(image_, label, p + cv::Point(9, -9), kFont, 0.6, kInk, 1, cv::LINE_AA);
}

void PlotCanvas::axes(const std::string& title, const std::string& xLabel, const std::string& yLabel) {
    cv::rectangle(image_, plot_, kInk, 1);
    const double xs = tickStep(x1_ - x0_, 6), ys = tickStep(y1_ - y0_, 5);
    for (double v = std::ceil(x0_ / xs) * xs; v <= x1_ + 1e-9; v += xs) {
        const cv::Point p = toPixel(v, y0_);
        cv::line(image_, p, p + cv::Point(0, 5), kInk, 1);
        const std::string l = tickLabel(v, xs);
        cv::putText(image_, l, p + cv::Point(-4 * static_cast<int>(l.size()), 20), kFont, 0.4, kInk, 1, cv::LINE_AA);
    }
    // Tiny values (variances of small steps) are labelled in units of a power of ten the y label names.
    const double yMax = std::max(std::abs(y0_), std::abs(y1_));
    const int exponent = ys < 1e-3 && yMax > 0 ? static_cast<int>(std::floor(std::log10(yMax))) : 0;
    const double unit = std::pow(10.0, exponent);
    for (double v = std::ceil(y0_ / ys) * ys; v <= y1_ + ys * 1e-9; v += ys) {
        const cv::Point p = toPixel(x0_, v);
        cv::line(image_, p, p - cv::Point(5, 0), kInk, 1);
        const std::string l = tickLabel(v / unit, ys / unit);
        cv::putText(image_, l, p + cv::Point(-10 - 8 * static_cast<int>(l.size()), 4), kFont, 0.4, kInk, 1, cv::LINE_AA);
    }
    cv::putText(image_, title, {plot_.x, plot_.y - 12}, kFont, 0.55, kInk, 1, cv::LINE_AA);
    cv::putText(image_, xLabel, {plot_.x + plot_.width / 2 - 4 * static_cast<int>(xLabel.size()), plot_.br().y + 40},
                kFont, 0.45, kInk, 1, cv::LINE_AA);
    // Hershey text does not rotate: the y label is drawn into its own image, turned and pasted.
    if (!yLabel.empty() || exponent != 0) {
        const std::string yText = exponent == 0 ? yLabel : yLabel + " (x 1e" + std::to_string(exponent) + ")";
        cv::Mat text(18, 10 * static_cast<int>(yText.size()), image_.type(), cv::Scalar(255, 255, 255));
        cv::putText(text, yText, {2, 13}, kFont, 0.45, kInk, 1, cv::LINE_AA);
        cv::Mat rotated;
        cv::rotate(text, rotated, cv::ROTATE_90_COUNTERCLOCKWISE);
        const int x = std::max(0, plot_.x - 58), y = plot_.y + plot_.height / 2 - rotated.rows / 2;
        if (y >= 0 && y + rotated.rows <= image_.rows) rotated.copyTo(image_(cv::Rect(x, y, rotated.cols, rotated.rows)));
    }
}

void PlotCanvas::legend(const std::vector<std::pair<std::string, cv::Scalar>>& entries) {
    if (entries.empty()) return;
    // A box lighter than the lines it may sit on, so the text stays readable over them.
    int width = 0;
    for (const auto& e : entries) width = std::max(width, cv::getTextSize(e.first, kFont, 0.45, 1, nullptr).width);
    const cv::Rect box(plot_.x + 4, plot_.y + 4, width + 48, 20 * static_cast<int>(entries.size()) + 8);
    cv::Mat area = image_(box & cv::Rect(0, 0, image_.cols, image_.rows));
    cv::addWeighted(area, 0.25, cv::Mat(area.size(), area.type(), cv::Scalar(255, 255, 255)), 0.75, 0, area);
    int y = plot_.y + 18;
    for (const auto& [text, colour] : entries) {
        const cv::Point p(plot_.x + 12, y);
        cv::line(image_, p, p + cv::Point(24, 0), colour, 3, cv::LINE_AA);
        cv::putText(image_, text, p + cv::Point(32, 5), kFont, 0.45, kInk, 1, cv::LINE_AA);
        y += 20;
    }
}

}  // namespace geo::render
