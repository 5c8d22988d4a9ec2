#pragma once
// Density along the geodesic and along the straight segment, against normalised arc length.
#include <qcustomplot.h>

namespace widgets {

struct DensityCurve {
    QVector<double> arcLength;  // normalised to [0, 1]
    QVector<double> density;
    double length = 0;          // the path's length in the density metric
};

class DensityPlot : public QCustomPlot {
    Q_OBJECT
public:
    explicit DensityPlot(QWidget* parent = nullptr);
    void setCurves(const DensityCurve& geodesic, const DensityCurve& straight);
    int pointCount(int curve) const;  // 0 geodesic, 1 straight
};

}  // namespace widgets
