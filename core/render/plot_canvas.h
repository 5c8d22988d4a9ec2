#pragma once
// A plot panel drawn with OpenCV into part of an image: data-to-pixel mapping, axes with ticks,
// heat maps, lines, arrows and a legend. Internal to core/render; nothing else includes OpenCV.
#include <opencv2/core.hpp>
#include <string>
#include <vector>

#include "toy/contours.h"

namespace geo::render {

class PlotCanvas {
public:
    PlotCanvas(cv::Mat& image, cv::Rect frame, double x0, double x1, double y0, double y1);

    cv::Point toPixel(double x, double y) const;
    void heatmap(const FieldGrid& grid, double lo, double hi);
    void segments(const std::vector<Segment>& segs, cv::Scalar colour, int thickness = 1);
    void polyline(const std::vector<cv::Point2d>& pts, cv::Scalar colour, int thickness, bool dashed = false);
    void arrow(cv::Point2d from, cv::Point2d delta, cv::Scalar colour);
    void marker(cv::Point2d at, cv::Scalar colour, const std::string& label);
    void axes(const std::string& title, const std::string& xLabel, const std::string& yLabel);
    void legend(const std::vector<std::pair<std::string, cv::Scalar>>& entries);

private:
    cv::Mat& image_;
    cv::Rect plot_;  // the data area inside the frame
    double x0_, x1_, y0_, y1_;
};

}  // namespace geo::render
