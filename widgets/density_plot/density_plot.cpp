#include "density_plot/density_plot.h"

#include <algorithm>

#include "presentation/number_text.h"

namespace widgets {

DensityPlot::DensityPlot(QWidget* parent) : QCustomPlot(parent) {
    setMinimumSize(320, 220);
    addGraph();
    graph(0)->setPen(QPen(QColor(235, 60, 60), 2.5));
    addGraph();
    graph(1)->setPen(QPen(QColor(30, 120, 200), 2, Qt::DashLine));
    xAxis->setLabel("normalised arc length");
    yAxis->setLabel("density p(x)");
    xAxis->setRange(0, 1);
    legend->setVisible(true);
    axisRect()->insetLayout()->setInsetAlignment(0, Qt::AlignTop | Qt::AlignHCenter);
}

void DensityPlot::setCurves(const DensityCurve& g, const DensityCurve& s) {
    graph(0)->setData(g.arcLength, g.density, true);
    graph(1)->setData(s.arcLength, s.density, true);
    graph(0)->setName("geodesic, length " + lengthText(g.length));
    if (g.arcLength.isEmpty()) graph(0)->removeFromLegend();  // the Euclidean metric shows the segment alone
    else graph(0)->addToLegend();
    graph(1)->setName("straight, length " + lengthText(s.length));
    double top = 0;
    for (double v : g.density) top = std::max(top, v);
    for (double v : s.density) top = std::max(top, v);
    yAxis->setRange(0, top > 0 ? top * 1.3 : 1);  // headroom for the legend
    replot(QCustomPlot::rpQueuedReplot);
}

int DensityPlot::pointCount(int curve) const { return graph(curve)->dataCount(); }

}  // namespace widgets
