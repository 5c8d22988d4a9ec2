#include "presentation/viridis.h"

namespace widgets {

QCPColorGradient viridisGradient() {
    QCPColorGradient g;
    g.clearColorStops();
    const QColor stops[] = {{68, 1, 84},    {72, 40, 120},  {62, 74, 137},  {49, 104, 142}, {38, 130, 142},
                            {31, 158, 137}, {53, 183, 121}, {109, 205, 89}, {180, 222, 44}, {253, 231, 37}};
    for (int i = 0; i < 10; ++i) g.setColorStopAt(i / 9.0, stops[i]);
    g.setColorInterpolation(QCPColorGradient::ciRGB);
    return g;
}

}  // namespace widgets
