#include "line_plot/line_plot.h"

#include <algorithm>
#include <cmath>

namespace widgets {

LinePlot::LinePlot(QWidget* parent) : QCustomPlot(parent) {
    setMinimumSize(320, 220);
    legend->setVisible(true);
    legend->setBrush(QColor(255, 255, 255, 200));  // curves stay visible behind it
    axisRect()->insetLayout()->setInsetAlignment(0, Qt::AlignTop | Qt::AlignHCenter);
}

void LinePlot::setLegendColumns(int columns) {
    legend->setWrap(std::max(1, columns));
    legend->setFillOrder(QCPLayoutGrid::foColumnsFirst);
    QFont small = legend->font();
    small.setPointSizeF(small.pointSizeF() * 0.85);
    legend->setFont(small);
}

void LinePlot::setAxisLabels(const QString& x, const QString& y) {
    xAxis->setLabel(x);
    yAxis->setLabel(y);
}

void LinePlot::setSeries(const QVector<PlotSeries>& series, const QVector<ReferenceLine>& references) {
    clearGraphs();
    legend->setVisible(!series.isEmpty() || !references.isEmpty());
    double x0 = INFINITY, x1 = -INFINITY, y0 = INFINITY, y1 = -INFINITY;
    for (const PlotSeries& s : series) {
        QCPGraph* g = addGraph();
        g->setName(s.name);
        g->setPen(s.pen);
        if (s.dots) {
            g->setLineStyle(QCPGraph::lsNone);
            g->setScatterStyle(QCPScatterStyle(QCPScatterStyle::ssDisc, s.pen.color(), 7));
        }
        g->setData(s.x, s.y);
        for (int i = 0; i < s.x.size(); ++i) {
            if (!std::isfinite(s.x[i]) || !std::isfinite(s.y[i])) continue;
            x0 = std::min(x0, s.x[i]), x1 = std::max(x1, s.x[i]);
            y0 = std::min(y0, s.y[i]), y1 = std::max(y1, s.y[i]);
        }
    }
    if (!std::isfinite(x0)) x0 = 0, x1 = 1;
    bool onlyDots = !series.isEmpty();
    for (const PlotSeries& s : series) onlyDots = onlyDots && s.dots;
    // Markers clear of the frame: half a unit for markers at integer x alone, else a little.
    const double margin = onlyDots ? 0.5 : 0.02 * (x1 - x0);
    x0 -= margin, x1 += margin;
    for (const ReferenceLine& r : references) {
        QCPGraph* g = addGraph();
        g->setName(r.name);
        g->setPen(r.pen);
        g->setData({x0, x1}, {r.y, r.y});
        y0 = std::min(y0, r.y), y1 = std::max(y1, r.y);
    }
    if (!std::isfinite(y0)) y0 = 0, y1 = 1;
    const double pad = std::max(1e-9, 0.08 * (y1 - y0));
    xAxis->setRange(x0, x1 > x0 ? x1 : x0 + 1);
    yAxis->setRange(y0 - pad, y1 + 3 * pad);  // headroom for the legend
    replot(QCustomPlot::rpQueuedReplot);
}

}  // namespace widgets
