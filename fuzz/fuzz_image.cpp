// Image decoding as the program does it (OpenCV's decoders behind readImage), then the centre square
// every image becomes before it meets a model.
#include "fuzz_support.h"
#include "io/image_io.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    const auto path = fuzz::writeFile("image", fuzz::text(data, size));
    return fuzz::expectInputErrorsOnly([&] {
        const geo::RgbImage image = geo::readImage(path);
        (void)geo::centreSquare(image, 16);
    });
}
