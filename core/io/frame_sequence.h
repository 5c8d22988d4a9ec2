#pragma once
// A sequence of frames from disk, as the analyses take them: a folder of images (every file OpenCV
// reads, in name order), a video file OpenCV's videoio reads, or the JSON of an exported path (its
// "frames", resolved beside the JSON, and "keyframes"). Frames are brought to size × size as every
// image meets a model (centre square, resized) unless size is 0.
#include <filesystem>
#include <string>
#include <vector>

#include "io/image_io.h"

namespace geo {

struct FrameSequence {
    std::vector<RgbImage> frames;
    std::vector<std::string> names;   // file names, or "frame 12" for a video's frames
    std::vector<int> keyframes;       // from a path JSON; empty otherwise
    std::string source;               // "folder", "video" or "json"
    std::vector<std::string> warnings;
};

// InputError naming the path when it does not exist, holds no readable frame, or frames differ in size
// (with size 0).
FrameSequence readFrameSequence(const std::filesystem::path& path, int size, int maxFrames = 1000);

}  // namespace geo
