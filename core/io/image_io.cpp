#include "io/image_io.h"

#include <algorithm>
#include <cctype>
#include <cstdio>
#include <opencv2/core.hpp>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

#include "common/atomic_file.h"
#include "common/errors.h"
#include "common/stderr_capture.h"

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
bool isPng(const std::vector<uchar>& b) { return startsWith(b, {0x89, 'P', 'N', 'G', 0x0D, 0x0A, 0x1A, 0x0A}); }
bool isJpeg(const std::vector<uchar>& b) { return startsWith(b, {0xFF, 0xD8, 0xFF}); }

size_t findBytes(const std::vector<uchar>& b, std::initializer_list<uchar> what, size_t from) {
    const auto at = std::search(b.begin() + static_cast<std::ptrdiff_t>(std::min(from, b.size())), b.end(), what.begin(), what.end());
    return at == b.end() ? std::string::npos : static_cast<size_t>(at - b.begin());
}

// The decoders fill what is missing of a cut-off file (libjpeg with grey, after a warning of its own on
// standard error) and report success, so completeness is checked here: a JPEG's end-of-image marker
// after its first scan (entropy-coded data cannot hold FF D9), a PNG's IEND chunk. Data appended after
// them (a motion photo's video) is allowed.
void requireComplete(const std::vector<uchar>& bytes, const std::filesystem::path& path) {
    if (isJpeg(bytes)) {
        const size_t scan = findBytes(bytes, {0xFF, 0xDA}, 2);
        if (scan == std::string::npos || findBytes(bytes, {0xFF, 0xD9}, scan + 2) == std::string::npos)
            throw InputError(path.string() + ": the JPEG data ends early (a truncated or damaged file)");
    } else if (isPng(bytes)) {
        if (findBytes(bytes, {'I', 'E', 'N', 'D'}, 8) == std::string::npos) throw InputError(path.string() + ": the PNG data ends early (a truncated or damaged file)");
    }
}

// OpenCV tries every decoder it was built with on whatever it is given, including ones no user means
// here, and one of them (GDCM's DICOM reader) aborts the process on a damaged file (found by
// fuzz_image). Only the formats the program reads reach it, recognised by their signatures.
bool isReadableFormat(const std::vector<uchar>& b) {
    // A file OpenCV's own decoder for its signature turns down goes on to the next decoder that claims
    // it; GDCM claims anything with "DICM" at byte 128, so such files never reach OpenCV.
    if (b.size() >= 132 && std::equal(b.begin() + 128, b.begin() + 132, "DICM")) return false;
    if (isPng(b) || isJpeg(b) || startsWith(b, {'B', 'M'})) return true;
    if (startsWith(b, {'I', 'I', 0x2A, 0x00}) || startsWith(b, {'M', 'M', 0x00, 0x2A})) return true;  // TIFF
    if (b.size() >= 12 && startsWith(b, {'R', 'I', 'F', 'F'}) && std::equal(b.begin() + 8, b.begin() + 12, "WEBP")) return true;
    return b.size() >= 2 && b[0] == 'P' && b[1] >= '1' && b[1] <= '6';  // PBM, PGM, PPM
}

// The width and height a file declares, read from its header before any decoder allocates for them (a
// 520-byte TIFF declaring a gigapixel made OpenCV allocate 2 GiB: fuzz_image). Zero when not found; the
// decoder then judges.
struct Declared {
    uint64_t width = 0, height = 0;
};

uint64_t be(const std::vector<uchar>& b, size_t at, int n) {
    uint64_t v = 0;
    for (int i = 0; i < n; ++i) v = v << 8 | (at + i < b.size() ? b[at + i] : 0);
    return v;
}
uint64_t le(const std::vector<uchar>& b, size_t at, int n) {
    uint64_t v = 0;
    for (int i = n - 1; i >= 0; --i) v = v << 8 | (at + i < b.size() ? b[at + i] : 0);
    return v;
}

Declared tiffSize(const std::vector<uchar>& b) {
    const bool little = b[0] == 'I';
    const auto get = [&](size_t at, int n) { return little ? le(b, at, n) : be(b, at, n); };
    Declared d;
    const uint64_t ifd = get(4, 4);
    if (ifd + 2 > b.size()) return d;
    const uint64_t entries = get(ifd, 2);
    for (uint64_t e = 0; e < entries && ifd + 2 + 12 * (e + 1) <= b.size(); ++e) {
        const size_t at = ifd + 2 + 12 * e;
        const uint64_t tag = get(at, 2), type = get(at + 2, 2);
        const uint64_t value = type == 3 ? get(at + 8, 2) : get(at + 8, 4);
        // A tag given twice (libtiff reads one of them) counts with its larger value.
        if (tag == 256) d.width = std::max(d.width, value);
        if (tag == 257) d.height = std::max(d.height, value);
    }
    return d;
}

Declared jpegSize(const std::vector<uchar>& b) {
    for (size_t i = 2; i + 9 < b.size();) {
        if (b[i] != 0xFF) return {};
        const uchar marker = b[i + 1];
        if (marker == 0xFF) { ++i; continue; }  // fill byte
        if (marker == 0x01 || (marker >= 0xD0 && marker <= 0xD9)) { i += 2; continue; }  // no length
        if (marker >= 0xC0 && marker <= 0xCF && marker != 0xC4 && marker != 0xC8 && marker != 0xCC) return {be(b, i + 7, 2), be(b, i + 5, 2)};
        i += 2 + be(b, i + 2, 2);
    }
    return {};
}

Declared webpSize(const std::vector<uchar>& b) {
    if (b.size() < 30) return {};
    if (std::equal(b.begin() + 12, b.begin() + 16, "VP8X")) return {le(b, 24, 3) + 1, le(b, 27, 3) + 1};
    if (std::equal(b.begin() + 12, b.begin() + 16, "VP8 ")) return {le(b, 26, 2) & 0x3FFF, le(b, 28, 2) & 0x3FFF};
    if (std::equal(b.begin() + 12, b.begin() + 16, "VP8L")) {
        const uint64_t bits = le(b, 21, 4);
        return {(bits & 0x3FFF) + 1, ((bits >> 14) & 0x3FFF) + 1};
    }
    return {};
}

Declared ppmSize(const std::vector<uchar>& b) {
    uint64_t v[2] = {0, 0};
    size_t i = 2;
    for (uint64_t& x : v) {
        while (i < b.size() && (std::isspace(b[i]) || b[i] == '#')) {
            if (b[i] == '#') while (i < b.size() && b[i] != '\n') ++i;
            else ++i;
        }
        while (i < b.size() && std::isdigit(b[i]) && x < (uint64_t(1) << 40)) x = x * 10 + (b[i++] - '0');
    }
    return {v[0], v[1]};
}

Declared declaredSize(const std::vector<uchar>& b) {
    if (b.size() < 26) return {};
    if (isPng(b)) return {be(b, 16, 4), be(b, 20, 4)};
    if (isJpeg(b)) return jpegSize(b);
    if (startsWith(b, {'B', 'M'})) {
        if (le(b, 14, 4) == 12) return {le(b, 18, 2), le(b, 20, 2)};
        const int64_t h = static_cast<int32_t>(le(b, 22, 4));
        return {le(b, 18, 4), static_cast<uint64_t>(h < 0 ? -h : h)};
    }
    if (startsWith(b, {'I', 'I'}) || startsWith(b, {'M', 'M'})) return tiffSize(b);
    if (startsWith(b, {'R', 'I', 'F', 'F'})) return webpSize(b);
    if (b[0] == 'P') return ppmSize(b);
    return {};
}

constexpr uint64_t kMaxPixels = uint64_t(1) << 27;  // 134 megapixels: 400 MB as 8-bit RGB

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
    if (const Declared d = declaredSize(bytes); d.width > 0 && d.height > 0 && (d.width > (uint64_t(1) << 20) || d.height > (uint64_t(1) << 20) || d.width * d.height > kMaxPixels))
        throw InputError(path.string() + ": " + std::to_string(d.width) + "×" + std::to_string(d.height) + " pixels, more than the 134 megapixels an image may have");
    cv::Mat bgr;
    const std::string said = captureStandardError([&] {
        try {
            bgr = cv::imdecode(bytes, cv::IMREAD_COLOR);
        } catch (const cv::Exception&) {
            bgr.release();
        }
    });
    if (bgr.empty()) {
        const std::string first = said.substr(0, said.find('\n'));
        throw InputError(path.string() + ": not an image OpenCV can read" + (first.empty() ? "" : " (the decoder said: " + first + ")"));
    }
    // Warnings about an image that did decode (libpng's "iCCP: known incorrect sRGB profile",
    // libjpeg's "Corrupt JPEG data: N extraneous bytes") are what other viewers also pass over.
    passOnExcept(said, {"libpng warning:", "Corrupt JPEG data", "Premature end of JPEG", "Warning:", "[ WARN:"});
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
