#pragma once
// A line plot as a PNG, for reports written without a display (video analysis, batch reports):
// several series against a shared x axis, with axes, ticks and a legend.
#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

namespace geo {

struct PlotSeries {
    std::string label;
    std::vector<double> x, y;        // non-finite y values are skipped
    uint8_t red = 0, green = 0, blue = 0;
    bool dashed = false;
    bool markers = false;            // a dot at every point
};

// Written atomically; InputError when there is nothing finite to draw or the file cannot be written.
void writeLinePlot(const std::filesystem::path& png, const std::string& title, const std::string& xLabel, const std::string& yLabel,
                   const std::vector<PlotSeries>& series, int width = 900, int height = 560);

}  // namespace geo
