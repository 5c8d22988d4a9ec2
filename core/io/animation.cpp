#include "io/animation.h"

#include <gif_lib.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <opencv2/imgproc.hpp>
#include <opencv2/videoio.hpp>
#include <string>

#include "common/atomic_file.h"
#include "common/errors.h"

namespace geo {

namespace fs = std::filesystem;

namespace {

void checkFrames(const std::vector<RgbImage>& frames, const fs::path& path) {
    if (frames.empty()) throw InputError(path.string() + ": no frames to write");
    for (const RgbImage& f : frames)
        if (f.width != frames[0].width || f.height != frames[0].height || f.width < 1 || f.height < 1)
            throw InputError(path.string() + ": frames of different or empty sizes");
}

std::vector<RgbImage> sized(const std::vector<RgbImage>& frames, const AnimationOptions& o) {
    if (o.width <= 0 && o.height <= 0) return frames;
    std::vector<RgbImage> out;
    for (const RgbImage& f : frames) out.push_back(resizeImage(f, o.width > 0 ? o.width : f.width, o.height > 0 ? o.height : f.height));
    return out;
}

// Median cut over the frames' pixels: boxes in RGB split at the median of their longest side until
// there are 256; each colour is its box's mean.
std::vector<std::array<uint8_t, 3>> medianCutPalette(const std::vector<RgbImage>& frames) {
    std::vector<std::array<uint8_t, 3>> pixels;
    size_t total = 0;
    for (const RgbImage& f : frames) total += f.rgb.size() / 3;
    const size_t stride = std::max<size_t>(1, total / 200000);  // a sample is enough for the palette
    size_t k = 0;
    for (const RgbImage& f : frames)
        for (size_t i = 0; i + 2 < f.rgb.size(); i += 3, ++k)
            if (k % stride == 0) pixels.push_back({f.rgb[i], f.rgb[i + 1], f.rgb[i + 2]});
    struct Box { size_t begin, end; };
    std::vector<Box> boxes{{0, pixels.size()}};
    const auto extent = [&](const Box& b, int& channel) {
        int best = -1;
        for (int c = 0; c < 3; ++c) {
            uint8_t lo = 255, hi = 0;
            for (size_t i = b.begin; i < b.end; ++i) lo = std::min(lo, pixels[i][c]), hi = std::max(hi, pixels[i][c]);
            if (hi - lo > best) best = hi - lo, channel = c;
        }
        return best;
    };
    while (boxes.size() < 256) {
        int widest = -1, channel = 0, bestExtent = 0;
        for (size_t i = 0; i < boxes.size(); ++i) {
            int c = 0;
            const int e = boxes[i].end - boxes[i].begin > 1 ? extent(boxes[i], c) : 0;
            if (e > bestExtent) bestExtent = e, widest = static_cast<int>(i), channel = c;
        }
        if (widest < 0) break;
        Box b = boxes[widest];
        const size_t mid = b.begin + (b.end - b.begin) / 2;
        std::nth_element(pixels.begin() + b.begin, pixels.begin() + mid, pixels.begin() + b.end,
                         [channel](const auto& p, const auto& q) { return p[channel] < q[channel]; });
        boxes[widest] = {b.begin, mid};
        boxes.push_back({mid, b.end});
    }
    std::vector<std::array<uint8_t, 3>> palette;
    for (const Box& b : boxes) {
        std::array<double, 3> sum{};
        for (size_t i = b.begin; i < b.end; ++i)
            for (int c = 0; c < 3; ++c) sum[c] += pixels[i][c];
        const double n = std::max<double>(1, static_cast<double>(b.end - b.begin));
        palette.push_back({static_cast<uint8_t>(std::lround(sum[0] / n)), static_cast<uint8_t>(std::lround(sum[1] / n)),
                           static_cast<uint8_t>(std::lround(sum[2] / n))});
    }
    while (palette.size() < 256) palette.push_back(palette.empty() ? std::array<uint8_t, 3>{0, 0, 0} : palette.back());
    return palette;
}

int gifWrite(GifFileType* gif, const GifByteType* data, int length) {
    static_cast<std::string*>(gif->UserData)->append(reinterpret_cast<const char*>(data), static_cast<size_t>(length));
    return length;
}

}  // namespace

RgbImage resizeImage(const RgbImage& image, int width, int height) {
    if (width == image.width && height == image.height) return image;
    if (width < 1 || height < 1) throw InputError("an output size must be at least 1×1");
    cv::Mat out;
    cv::resize(cv::Mat(image.height, image.width, CV_8UC3, const_cast<uint8_t*>(image.rgb.data())), out, cv::Size(width, height), 0, 0,
               width < image.width ? cv::INTER_AREA : cv::INTER_CUBIC);
    RgbImage r{width, height, std::vector<uint8_t>(out.data, out.data + out.total() * 3)};
    return r;
}

std::vector<RgbImage> animationSequence(const std::vector<RgbImage>& frames, const std::vector<int>& keyframes, const AnimationOptions& o) {
    if (o.hold < 0) throw InputError("frames held at a keyframe must be 0 or more");
    std::vector<RgbImage> seq;
    for (size_t i = 0; i < frames.size(); ++i) {
        const bool key = std::find(keyframes.begin(), keyframes.end(), static_cast<int>(i)) != keyframes.end();
        for (int r = 0; r <= (key ? o.hold : 0); ++r) seq.push_back(frames[i]);
    }
    if (o.pingPong && seq.size() > 2) {
        const std::vector<RgbImage> forward = seq;
        for (size_t i = forward.size() - 2; i >= 1; --i) seq.push_back(forward[i]);
    }
    return seq;
}

void writeGif(const fs::path& path, const std::vector<RgbImage>& input, const AnimationOptions& o) {
    checkFrames(input, path);
    if (!(o.fps > 0 && o.fps <= 100)) throw InputError("frames per second must lie in (0, 100]");
    const std::vector<RgbImage> frames = sized(input, o);
    const auto palette = medianCutPalette(frames);
    std::vector<GifColorType> colors(256);
    for (int i = 0; i < 256; ++i) colors[i] = {palette[i][0], palette[i][1], palette[i][2]};
    // Nearest palette entry per 15-bit colour, computed on first use.
    std::vector<int16_t> lookup(1 << 15, -1);
    const auto indexOf = [&](uint8_t r, uint8_t g, uint8_t b) {
        const int key = (r >> 3) << 10 | (g >> 3) << 5 | (b >> 3);
        if (lookup[key] < 0) {
            int best = 0, bestD = 1 << 30;
            for (int i = 0; i < 256; ++i) {
                const int dr = palette[i][0] - ((r & 0xF8) | 4), dg = palette[i][1] - ((g & 0xF8) | 4), db = palette[i][2] - ((b & 0xF8) | 4);
                const int d = dr * dr + dg * dg + db * db;
                if (d < bestD) bestD = d, best = i;
            }
            lookup[key] = static_cast<int16_t>(best);
        }
        return static_cast<GifPixelType>(lookup[key]);
    };

    std::string bytes;
    int error = 0;
    GifFileType* gif = EGifOpen(&bytes, gifWrite, &error);
    if (!gif) throw InputError(path.string() + ": could not start a GIF (" + GifErrorString(error) + ")");
    const auto fail = [&](const char* what) {
        EGifCloseFile(gif, &error);
        return InputError(path.string() + ": " + what + " failed while encoding the GIF");
    };
    EGifSetGifVersion(gif, true);
    ColorMapObject* map = GifMakeMapObject(256, colors.data());
    const int w = frames[0].width, h = frames[0].height;
    if (EGifPutScreenDesc(gif, w, h, 8, 0, map) == GIF_ERROR) {
        GifFreeMapObject(map);
        throw fail("the screen descriptor");
    }
    GifFreeMapObject(map);
    if (o.loop) {
        const GifByteType app[] = {'N', 'E', 'T', 'S', 'C', 'A', 'P', 'E', '2', '.', '0'};
        const GifByteType loop[] = {1, 0, 0};  // sub-block 1, loop count 0 = forever
        if (EGifPutExtensionLeader(gif, APPLICATION_EXT_FUNC_CODE) == GIF_ERROR || EGifPutExtensionBlock(gif, sizeof app, app) == GIF_ERROR ||
            EGifPutExtensionBlock(gif, sizeof loop, loop) == GIF_ERROR || EGifPutExtensionTrailer(gif) == GIF_ERROR)
            throw fail("the loop extension");
    }
    const int delay = std::max(1, static_cast<int>(std::lround(100.0 / o.fps)));  // hundredths of a second
    std::vector<GifPixelType> line(static_cast<size_t>(w));
    for (const RgbImage& f : frames) {
        const GifByteType control[] = {0x04, static_cast<GifByteType>(delay & 0xFF), static_cast<GifByteType>(delay >> 8), 0};
        if (EGifPutExtension(gif, GRAPHICS_EXT_FUNC_CODE, sizeof control, control) == GIF_ERROR) throw fail("a frame's timing");
        if (EGifPutImageDesc(gif, 0, 0, w, h, false, nullptr) == GIF_ERROR) throw fail("a frame's descriptor");
        for (int y = 0; y < h; ++y) {
            const uint8_t* row = f.rgb.data() + static_cast<size_t>(y) * w * 3;
            for (int x = 0; x < w; ++x) line[x] = indexOf(row[3 * x], row[3 * x + 1], row[3 * x + 2]);
            if (EGifPutLine(gif, line.data(), w) == GIF_ERROR) throw fail("a frame's pixels");
        }
    }
    if (EGifCloseFile(gif, &error) == GIF_ERROR) throw InputError(path.string() + ": could not finish the GIF (" + GifErrorString(error) + ")");
    writeFileAtomically(path, bytes);
}

void writeMp4(const fs::path& path, const std::vector<RgbImage>& input, const AnimationOptions& o) {
    checkFrames(input, path);
    if (!(o.fps > 0 && o.fps <= 100)) throw InputError("frames per second must lie in (0, 100]");
    const std::vector<RgbImage> frames = sized(input, o);
    // H.264 wants even sizes: pad by one row/column of the edge's colour.
    const int w = frames[0].width + frames[0].width % 2, h = frames[0].height + frames[0].height % 2;
    const fs::path folder = path.parent_path().empty() ? fs::path(".") : path.parent_path();
    if (!fs::is_directory(folder)) throw InputError(path.string() + ": the folder does not exist");
    const fs::path temporary = folder / ("." + path.stem().string() + ".partial-" + std::to_string(::getpid()) + ".mp4");
    cv::VideoWriter writer;
    if (!writer.open(temporary.string(), cv::VideoWriter::fourcc('a', 'v', 'c', '1'), o.fps, cv::Size(w, h)))
        throw InputError(path.string() + ": this OpenCV cannot write H.264 MP4 (or the folder is not writable)");
    for (const RgbImage& f : frames) {
        cv::Mat rgb(f.height, f.width, CV_8UC3, const_cast<uint8_t*>(f.rgb.data())), bgr, padded;
        cv::cvtColor(rgb, bgr, cv::COLOR_RGB2BGR);
        cv::copyMakeBorder(bgr, padded, 0, h - f.height, 0, w - f.width, cv::BORDER_REPLICATE);
        writer.write(padded);
    }
    writer.release();
    std::error_code ec;
    if (!fs::is_regular_file(temporary) || fs::file_size(temporary, ec) == 0) {
        fs::remove(temporary, ec);
        throw InputError(path.string() + ": the video could not be written (disk full?)");
    }
    fs::rename(temporary, path, ec);
    if (ec) {
        fs::remove(temporary, ec);
        throw InputError(path.string() + ": could not move the finished video into place");
    }
}

}  // namespace geo
