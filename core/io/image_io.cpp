#include "io/image_io.h"

#include <opencv2/core.hpp>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

#include "common/atomic_file.h"
#include "common/errors.h"

namespace geo {

void writePng(const std::filesystem::path& path, const RgbImage& image) {
    cv::Mat rgb(image.height, image.width, CV_8UC3, const_cast<uint8_t*>(image.rgb.data())), bgr;
    cv::cvtColor(rgb, bgr, cv::COLOR_RGB2BGR);
    std::vector<uchar> png;
    if (!cv::imencode(".png", bgr, png)) throw InputError("could not encode " + path.string());
    writeFileAtomically(path, std::string_view(reinterpret_cast<const char*>(png.data()), png.size()));
}

RgbImage readImageAsSquare(const std::filesystem::path& path, int size, std::string* warning) {
    if (!std::filesystem::is_regular_file(path)) throw InputError(path.string() + ": no such file");
    cv::Mat bgr;
    try {
        bgr = cv::imread(path.string(), cv::IMREAD_COLOR);
    } catch (const cv::Exception&) {
        bgr.release();
    }
    if (bgr.empty()) throw InputError(path.string() + ": not an image OpenCV can read");
    if (bgr.cols != size || bgr.rows != size) {
        const int side = std::min(bgr.cols, bgr.rows);
        const cv::Rect crop((bgr.cols - side) / 2, (bgr.rows - side) / 2, side, side);
        cv::Mat square;
        cv::resize(bgr(crop), square, cv::Size(size, size), 0, 0, side > size ? cv::INTER_AREA : cv::INTER_CUBIC);
        if (warning)
            *warning = path.string() + ": " + std::to_string(bgr.cols) + "x" + std::to_string(bgr.rows) +
                       " centre-cropped to " + std::to_string(side) + "x" + std::to_string(side) + " and resized to " +
                       std::to_string(size) + "x" + std::to_string(size);
        bgr = square;
    }
    cv::Mat rgb;
    cv::cvtColor(bgr, rgb, cv::COLOR_BGR2RGB);
    RgbImage out{size, size, std::vector<uint8_t>(rgb.data, rgb.data + static_cast<size_t>(size) * size * 3)};
    return out;
}

}  // namespace geo
