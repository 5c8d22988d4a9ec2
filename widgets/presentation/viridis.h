#pragma once
#include <qcustomplot.h>

namespace widgets {
// Matplotlib's perceptually uniform Viridis map, which QCustomPlot 2.1 lacks as a preset.
QCPColorGradient viridisGradient();
}  // namespace widgets
