#include "io/frame_sequence.h"

#include <algorithm>
#include <opencv2/imgproc.hpp>
#include <opencv2/videoio.hpp>

#include "common/errors.h"
#include "io/json_file.h"

namespace fs = std::filesystem;

namespace geo {

namespace {

bool isImageFile(const fs::path& p) {
    std::string ext = p.extension().string();
    std::transform(ext.begin(), ext.end(), ext.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    for (const char* e : {".png", ".jpg", ".jpeg", ".bmp", ".ppm", ".pgm", ".tif", ".tiff", ".webp"})
        if (ext == e) return true;
    return false;
}

void add(FrameSequence& s, RgbImage image, const std::string& name, int size) {
    if (size > 0 && (image.width != size || image.height != size)) {
        if (s.warnings.empty()) s.warnings.push_back("frames of " + std::to_string(image.width) + "×" + std::to_string(image.height) +
                                                     " centre-cropped and resized to " + std::to_string(size) + "×" + std::to_string(size));
        image = centreSquare(image, size);
    }
    if (!s.frames.empty() && (image.width != s.frames.front().width || image.height != s.frames.front().height))
        throw InputError("frame " + name + " is " + std::to_string(image.width) + "×" + std::to_string(image.height) + ", the first is " +
                         std::to_string(s.frames.front().width) + "×" + std::to_string(s.frames.front().height));
    s.frames.push_back(std::move(image));
    s.names.push_back(name);
}

FrameSequence readFolder(const fs::path& folder, int size, int maxFrames) {
    std::vector<fs::path> files;
    for (const auto& e : fs::directory_iterator(folder))
        if (e.is_regular_file() && isImageFile(e.path())) files.push_back(e.path());
    std::sort(files.begin(), files.end());
    if (static_cast<int>(files.size()) > maxFrames)
        throw InputError(folder.string() + " holds " + std::to_string(files.size()) + " images, more than the " + std::to_string(maxFrames) + " a sequence may have");
    FrameSequence s;
    s.source = "folder";
    for (const fs::path& f : files) add(s, readImage(f), f.filename().string(), size);
    return s;
}

FrameSequence readVideo(const fs::path& file, int size, int maxFrames) {
    cv::VideoCapture video(file.string());
    if (!video.isOpened()) throw InputError(file.string() + ": not an image folder, a path JSON or a video OpenCV can read");
    FrameSequence s;
    s.source = "video";
    cv::Mat bgr, rgb;
    while (video.read(bgr)) {
        if (static_cast<int>(s.frames.size()) >= maxFrames)
            throw InputError(file.string() + " has more than the " + std::to_string(maxFrames) + " frames a sequence may have");
        cv::cvtColor(bgr, rgb, cv::COLOR_BGR2RGB);
        RgbImage image{rgb.cols, rgb.rows, std::vector<uint8_t>(rgb.data, rgb.data + rgb.total() * 3)};
        add(s, std::move(image), "frame " + std::to_string(s.frames.size()), size);
    }
    return s;
}

FrameSequence readPathJson(const fs::path& file, int size, int maxFrames) {
    const nlohmann::json j = readJsonFile(file);
    if (!j.is_object() || !j.contains("frames") || !j["frames"].is_array())
        throw InputError(file.string() + ": a path JSON lists its frame files under \"frames\"");
    if (static_cast<int>(j["frames"].size()) > maxFrames) throw InputError(file.string() + " lists more than " + std::to_string(maxFrames) + " frames");
    FrameSequence s;
    s.source = "json";
    for (const auto& name : j["frames"]) {
        if (!name.is_string()) throw InputError(file.string() + ": a frame entry is not a file name");
        add(s, readImage(file.parent_path() / name.get<std::string>()), name.get<std::string>(), size);
    }
    if (j.contains("keyframes") && j["keyframes"].is_array())
        for (const auto& k : j["keyframes"])
            if (k.is_number_integer()) s.keyframes.push_back(k.get<int>());
    return s;
}

}  // namespace

FrameSequence readFrameSequence(const fs::path& path, int size, int maxFrames) {
    if (!fs::exists(path)) throw InputError(path.string() + ": no such file or folder");
    FrameSequence s = fs::is_directory(path) ? readFolder(path, size, maxFrames)
                      : path.extension() == ".json" ? readPathJson(path, size, maxFrames)
                                                    : readVideo(path, size, maxFrames);
    if (s.frames.empty()) throw InputError(path.string() + " holds no frame that can be read");
    return s;
}

}  // namespace geo
