#pragma once
// Frames of core's pipelines ([N, 3, S, S] tensors in [−1, 1]) as QImages (torch side: included only
// by the jobs).
#include <ATen/core/Tensor.h>
#include <QImage>
#include <QVector>

QVector<QImage> toQImages(const at::Tensor& frames);  // empty for an undefined tensor
