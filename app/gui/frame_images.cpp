#include "frame_images.h"

#include <ATen/ATen.h>

#include "image_convert.h"
#include "nn/image_tensor.h"

QVector<QImage> toQImages(const at::Tensor& frames) {
    QVector<QImage> out;
    if (!frames.defined()) return out;
    for (int64_t i = 0; i < frames.size(0); ++i) out << toQImage(geo::tensorToImage(frames[i]));
    return out;
}
