#include "measures/image_similarity.h"

#include <opencv2/imgproc.hpp>

#include "common/errors.h"

namespace geo {

double ssim(const RgbImage& a, const RgbImage& b) {
    if (a.width != b.width || a.height != b.height || a.rgb.size() != b.rgb.size())
        throw InputError("SSIM of images of different sizes");
    const double c1 = (0.01 * 255) * (0.01 * 255), c2 = (0.03 * 255) * (0.03 * 255);
    cv::Mat x, y;
    cv::Mat(a.height, a.width, CV_8UC3, const_cast<uint8_t*>(a.rgb.data())).convertTo(x, CV_64FC3);
    cv::Mat(b.height, b.width, CV_8UC3, const_cast<uint8_t*>(b.rgb.data())).convertTo(y, CV_64FC3);
    const auto blur = [](const cv::Mat& m) {
        cv::Mat out;
        cv::GaussianBlur(m, out, cv::Size(11, 11), 1.5, 1.5, cv::BORDER_REFLECT);
        return out;
    };
    const cv::Mat mx = blur(x), my = blur(y);
    const cv::Mat sxx = blur(x.mul(x)) - mx.mul(mx), syy = blur(y.mul(y)) - my.mul(my), sxy = blur(x.mul(y)) - mx.mul(my);
    // Scalar::all: a bare double added to a 3-channel matrix reaches the first channel only.
    cv::Mat num = (2 * mx.mul(my) + cv::Scalar::all(c1)).mul(2 * sxy + cv::Scalar::all(c2));
    cv::Mat den = (mx.mul(mx) + my.mul(my) + cv::Scalar::all(c1)).mul(sxx + syy + cv::Scalar::all(c2));
    cv::Mat map;
    cv::divide(num, den, map);
    const cv::Scalar m = cv::mean(map);
    return (m[0] + m[1] + m[2]) / 3;
}

}  // namespace geo
