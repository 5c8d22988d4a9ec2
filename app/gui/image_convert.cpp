#include "image_convert.h"

#include <cstring>

QImage toQImage(const geo::RgbImage& image) {
    QImage q(image.width, image.height, QImage::Format_RGB888);
    for (int y = 0; y < image.height; ++y) std::memcpy(q.scanLine(y), image.rgb.data() + size_t(y) * image.width * 3, size_t(image.width) * 3);
    return q;
}

geo::RgbImage toRgbImage(const QImage& image) {
    const QImage rgb = image.convertToFormat(QImage::Format_RGB888);
    geo::RgbImage out{rgb.width(), rgb.height(), std::vector<uint8_t>(size_t(rgb.width()) * rgb.height() * 3)};
    for (int y = 0; y < rgb.height(); ++y) std::memcpy(out.rgb.data() + size_t(y) * rgb.width() * 3, rgb.constScanLine(y), size_t(rgb.width()) * 3);
    return out;
}
