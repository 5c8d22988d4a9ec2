#pragma once
// A small plot of named series against a common x, with optional horizontal reference lines: the
// log-SNR along a spacetime geodesic, the maximum energies of transition paths against their bound.
#include <qcustomplot.h>

namespace widgets {

struct PlotSeries {
    QString name;
    QVector<double> x, y;
    QPen pen;
    bool dots = false;  // markers without a connecting line
};

struct ReferenceLine {
    QString name;
    double y = 0;
    QPen pen;
};

class LinePlot : public QCustomPlot {
    Q_OBJECT
public:
    explicit LinePlot(QWidget* parent = nullptr);
    void setAxisLabels(const QString& x, const QString& y);
    // Replaces what is drawn; the axes fit the data and the reference lines with some margin.
    void setSeries(const QVector<PlotSeries>& series, const QVector<ReferenceLine>& references = {});
    int seriesCount() const { return graphCount(); }
    // The legend in rows of this many entries, in a smaller font (many series: a short legend covers fewer lines).
    void setLegendColumns(int columns);
};

}  // namespace widgets
