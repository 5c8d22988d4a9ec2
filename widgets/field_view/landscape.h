#pragma once
// What FieldView draws behind the paths, as plain data.
#include <QLineF>
#include <QPointF>
#include <QRectF>
#include <QString>
#include <QVector>

namespace widgets {

struct Landscape {
    QRectF box;                 // field coordinates: left = x min, top = y min, width/height > 0
    int nx = 0, ny = 0;
    QVector<double> logDensity;  // logDensity[j * nx + i] at column i, row j (y increasing)
    double low = 0, high = 1;    // colour range of the heat map
    QVector<QLineF> contours;    // iso-line segments
    QVector<QPointF> arrowOrigins, arrowVectors;  // score arrows, already scaled to field units
    bool equalScales = true;     // false: each axis is stretched to fill the view (a plane of (x, t))
    QString xLabel = "x", yLabel = "y";
};

}  // namespace widgets
