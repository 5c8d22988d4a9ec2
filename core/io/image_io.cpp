#include "io/image_io.h"

#include <algorithm>
#include <cstdio>
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

namespace {

constexpr uintmax_t kMaxImageFileBytes = uintmax_t(1) << 30;  // 1 GiB: beyond any photo; refused before reading

bool startsWith(const std::vector<uchar>& b, std::initializer_list<uchar> magic) {
    return b.size() >= magic.size() && std::equal(magic.begin(), magic.end(), b.begin());
}

size_t findBytes(const std::vector<uchar>& b, std::initializer_list<uchar> what, size_t from) {
    const auto at = std::search(b.begin() + static_cast<std::ptrdiff_t>(std::min(from, b.size())), b.end(), what.begin(), what.end());
    return at == b.end() ? std::string::npos : static_cast<size_t>(at - b.begin());
}

// The decoders fill what is missing of a cut-off file (libjpeg with grey, after a warning of its own on
// standard error) and report success, so completeness is checked here: a JPEG's end-of-image marker
// after its first scan (entropy-coded data cannot hold FF D9), a PNG's IEND chunk. Data appended after
// them (a motion photo's video) is allowed.
void requireComplete(const std::vector<uchar>& bytes, const std::filesystem::path& path) {
    if (startsWith(bytes, {0xFF, 0xD8, 0xFF})) {
        const size_t scan = findBytes(bytes, {0xFF, 0xDA}, 2);
        if (scan == std::string::npos || findBytes(bytes, {0xFF, 0xD9}, scan + 2) == std::string::npos)
            throw InputError(path.string() + ": the JPEG data ends early (a truncated or damaged file)");
    } else if (startsWith(bytes, {0x89, 'P', 'N', 'G', 0x0D, 0x0A, 0x1A, 0x0A})) {
        if (findBytes(bytes, {'I', 'E', 'N', 'D'}, 8) == std::string::npos) throw InputError(path.string() + ": the PNG data ends early (a truncated or damaged file)");
    }
}

// OpenCV tries every decoder it was built with on whatever it is given, including ones no user means
// here, and one of them (GDCM's DICOM reader) aborts the process on a damaged file (found by
// fuzz_image). Only the formats the program reads reach it, recognised by their signatures.
bool isReadableFormat(const std::vector<uchar>& b) {
    if (startsWith(b, {0x89, 'P', 'N', 'G'}) || startsWith(b, {0xFF, 0xD8, 0xFF}) || startsWith(b, {'B', 'M'})) return true;
    if (startsWith(b, {'I', 'I', 0x2A, 0x00}) || startsWith(b, {'M', 'M', 0x00, 0x2A})) return true;  // TIFF
    if (b.size() >= 12 && startsWith(b, {'R', 'I', 'F', 'F'}) && std::equal(b.begin() + 8, b.begin() + 12, "WEBP")) return true;
    return b.size() >= 2 && b[0] == 'P' && b[1] >= '1' && b[1] <= '6';  // PBM, PGM, PPM
}

}  // namespace

RgbImage readImage(const std::filesystem::path& path) {
    if (!std::filesystem::is_regular_file(path)) throw InputError(path.string() + ": no such file");
    std::error_code ec;
    const uintmax_t size = std::filesystem::file_size(path, ec);
    if (ec || size > kMaxImageFileBytes) throw InputError(path.string() + ": larger than the 1 GiB an image file may have");
    std::vector<uchar> bytes(static_cast<size_t>(size));
    if (std::FILE* f = std::fopen(path.c_str(), "rb")) {
        const size_t got = std::fread(bytes.data(), 1, bytes.size(), f);
        std::fclose(f);
        if (got != bytes.size()) throw InputError(path.string() + ": could not be read to its end");
    } else {
        throw InputError(path.string() + ": cannot open file");
    }
    if (!isReadableFormat(bytes)) throw InputError(path.string() + ": not an image in a format this program reads (PNG, JPEG, BMP, TIFF, WebP, PPM/PGM)");
    requireComplete(bytes, path);
    cv::Mat bgr;
    try {
        bgr = cv::imdecode(bytes, cv::IMREAD_COLOR);
    } catch (const cv::Exception&) {
        bgr.release();
    }
    if (bgr.empty()) throw InputError(path.string() + ": not an image OpenCV can read");
    cv::Mat rgb;
    cv::cvtColor(bgr, rgb, cv::COLOR_BGR2RGB);
    return {rgb.cols, rgb.rows, std::vector<uint8_t>(rgb.data, rgb.data + static_cast<size_t>(rgb.cols) * rgb.rows * 3)};
}

SquareCrop centreSquareOf(int width, int height) {
    const int side = std::min(width, height);
    return {(width - side) / 2, (height - side) / 2, side};
}

RgbImage centreSquare(const RgbImage& image, int size) {
    if (image.width < 1 || image.height < 1 || image.rgb.size() != static_cast<size_t>(image.width) * image.height * 3)
        throw InputError("an empty or malformed image");
    if (image.width == size && image.height == size) return image;
    const SquareCrop c = centreSquareOf(image.width, image.height);
    const cv::Mat in(image.height, image.width, CV_8UC3, const_cast<uint8_t*>(image.rgb.data()));
    cv::Mat square;
    cv::resize(in(cv::Rect(c.x, c.y, c.side, c.side)), square, cv::Size(size, size), 0, 0, c.side > size ? cv::INTER_AREA : cv::INTER_CUBIC);
    return {size, size, std::vector<uint8_t>(square.data, square.data + static_cast<size_t>(size) * size * 3)};
}

RgbImage readImageAsSquare(const std::filesystem::path& path, int size, std::string* warning) {
    const RgbImage image = readImage(path);
    if ((image.width != size || image.height != size) && warning) {
        const int side = centreSquareOf(image.width, image.height).side;
        *warning = path.string() + ": " + std::to_string(image.width) + "x" + std::to_string(image.height) + " centre-cropped to " +
                   std::to_string(side) + "x" + std::to_string(side) + " and resized to " + std::to_string(size) + "x" + std::to_string(size);
    }
    return centreSquare(image, size);
}

RgbImage tileImages(const std::vector<RgbImage>& images, int columns, int gap) {
    if (images.empty() || columns < 1 || gap < 0) throw InputError("a grid needs images, one column or more and a gap of 0 or more");
    const int w = images.front().width, h = images.front().height;
    for (const RgbImage& im : images)
        if (im.width != w || im.height != h) throw InputError("images in a grid must all have one size");
    const int cols = std::min<int>(columns, static_cast<int>(images.size()));
    const int rows = (static_cast<int>(images.size()) + cols - 1) / cols;
    RgbImage grid;
    grid.width = cols * w + (cols - 1) * gap;
    grid.height = rows * h + (rows - 1) * gap;
    grid.rgb.assign(static_cast<size_t>(grid.width) * grid.height * 3, 255);
    for (size_t k = 0; k < images.size(); ++k) {
        const int x0 = static_cast<int>(k) % cols * (w + gap), y0 = static_cast<int>(k) / cols * (h + gap);
        for (int y = 0; y < h; ++y)
            std::copy_n(images[k].rgb.begin() + static_cast<size_t>(y) * w * 3, w * 3,
                        grid.rgb.begin() + (static_cast<size_t>(y0 + y) * grid.width + x0) * 3);
    }
    return grid;
}

}  // namespace geo
