#pragma once
// Turns core's data into the plain data the widgets draw.
#include <QPointF>
#include <QVector>

#include "density_plot/density_plot.h"
#include "measures/path_diagnostics.h"
#include "field_view/landscape.h"
#include "toy/presets.h"

QVector<QPointF> toQPoints(const geo::Points& p);
Eigen::Vector2d toEigen(QPointF p);
QPointF toQPoint(const Eigen::Vector2d& p);

// Heat map of log p (12 nats deep), 10 contour levels and a lattice of score arrows.
widgets::Landscape makeLandscape(const geo::ToyScene& scene);

widgets::DensityCurve densityCurve(const geo::Points& path, const geo::PathReport& report);
