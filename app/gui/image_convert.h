#pragma once
// core's 8-bit RGB images ↔ QImage.
#include <QImage>

#include "io/image_io.h"

QImage toQImage(const geo::RgbImage& image);
geo::RgbImage toRgbImage(const QImage& image);
