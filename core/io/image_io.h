#pragma once
// 8-bit RGB images in and out: PNG written atomically, and images of any size and format OpenCV
// reads brought to a model's square input size.
#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

namespace geo {

struct RgbImage {
    int width = 0, height = 0;
    std::vector<uint8_t> rgb;  // row-major, 3 bytes per pixel
};

void writePng(const std::filesystem::path& path, const RgbImage& image);  // atomic; InputError on failure

// Reads an image of any size and format OpenCV reads; InputError naming the file when it cannot.
RgbImage readImage(const std::filesystem::path& path);

// The largest centred square of a width × height image, and that square brought to size × size
// (area filter when shrinking, cubic when growing): how every image meets a model.
struct SquareCrop {
    int x = 0, y = 0, side = 0;
};
SquareCrop centreSquareOf(int width, int height);
RgbImage centreSquare(const RgbImage& image, int size);

// Reads an image; if it is not size × size it is centre-cropped to a square and resized, and
// `warning` (when given) says so. InputError naming the file when it cannot be read.
RgbImage readImageAsSquare(const std::filesystem::path& path, int size, std::string* warning = nullptr);

// Images of one size in a grid, row by row, `columns` wide, separated by `gap` white pixels.
RgbImage tileImages(const std::vector<RgbImage>& images, int columns, int gap = 2);

}  // namespace geo
