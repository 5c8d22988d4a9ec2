#pragma once
// Sequences of frames as files other programs open: an animated GIF (giflib, with a median-cut
// palette built from the frames), an MP4 (OpenCV's VideoWriter, H.264 'avc1', frames padded to even
// sizes) and a strip (the frames side by side). Every file is written under a temporary name and
// renamed when complete.
#include <filesystem>
#include <vector>

#include "io/image_io.h"

namespace geo {

struct AnimationOptions {
    double fps = 12;
    bool loop = true;        // GIF: loop forever (the NETSCAPE2.0 extension); off: play once
    bool pingPong = false;   // play forward, then backward (without repeating the ends)
    int hold = 0;            // extra copies of every keyframe
    int width = 0, height = 0;  // output size; 0: the frames' own
};

// The frames in the order an animation shows them: keyframes held, then ping-pong.
std::vector<RgbImage> animationSequence(const std::vector<RgbImage>& frames, const std::vector<int>& keyframes, const AnimationOptions& options);
RgbImage resizeImage(const RgbImage& image, int width, int height);  // area filter when shrinking, cubic when growing

void writeGif(const std::filesystem::path& path, const std::vector<RgbImage>& frames, const AnimationOptions& options);
void writeMp4(const std::filesystem::path& path, const std::vector<RgbImage>& frames, const AnimationOptions& options);

}  // namespace geo
