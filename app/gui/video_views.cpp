#include "video_views.h"

#include <QHeaderView>
#include <QLabel>
#include <QSplitter>
#include <QTableWidget>
#include <QVBoxLayout>
#include <cmath>

#include "frame_strip/frame_strip.h"
#include "line_plot/line_plot.h"

namespace {

const QColor kVideo(20, 20, 20), kOptimised(30, 150, 60), kSmoothed(60, 110, 220), kSlerp(150, 150, 150), kLive(30, 150, 60);

// The perturbed paths in reds, lighter for the smaller perturbations.
QColor colourOf(const QString& name, int perturbedIndex, int perturbedCount) {
    if (name == "video") return kVideo;
    if (name == "optimised") return kOptimised;
    if (name == "smoothed") return kSmoothed;
    if (name == "slerp") return kSlerp;
    const double f = perturbedCount > 1 ? double(perturbedIndex) / (perturbedCount - 1) : 1.0;
    return QColor::fromRgbF(0.95 - 0.25 * f, 0.6 - 0.5 * f, 0.45 - 0.35 * f);
}

QString num(double v, int digits = 4) { return std::isfinite(v) ? QString::number(v, 'g', digits) : QString("–"); }

}  // namespace

VideoViews::VideoViews(QWidget* parent) : QWidget(parent) {
    strip_ = new widgets::FrameStrip;
    residual_ = new widgets::LinePlot;
    residual_->setAxisLabels("t (frame i / (N − 1))", "log₁₀ |r|  (Euler–Lagrange residual)");
    residual_->setLegendColumns(2);
    residual_->setToolTip("The residual of the geodesic equation at each interior frame: 0 on a geodesic");
    optimisation_ = new widgets::LinePlot;
    optimisation_->setAxisLabels("iteration", "mean |r| / (|term1| + |term2|) of the frames moved");
    optimisation_->setToolTip("The optimisation from the video (§7), live: 0 on a geodesic, 1 when one term vanishes");
    table_ = new QTableWidget(0, 5);
    table_->setHorizontalHeaderLabels({"path", "mean |r|", "mean ratio", "log length", "|r| / video's"});
    table_->verticalHeader()->hide();
    table_->horizontalHeader()->setSectionResizeMode(QHeaderView::ResizeToContents);
    table_->horizontalHeader()->setSectionResizeMode(0, QHeaderView::Stretch);
    table_->setHorizontalScrollBarPolicy(Qt::ScrollBarAlwaysOff);
    table_->setEditTriggers(QAbstractItemView::NoEditTriggers);
    table_->setSelectionMode(QAbstractItemView::NoSelection);
    verdict_ = new QLabel("Open a video (a file, a folder of frames) or make a scene video, then Run.");
    verdict_->setWordWrap(true);
    verdict_->setTextInteractionFlags(Qt::TextSelectableByMouse);

    auto* numbers = new QWidget;
    auto* nl = new QVBoxLayout(numbers);
    nl->setContentsMargins(0, 0, 0, 0);
    nl->addWidget(table_, 1);
    nl->addWidget(verdict_);
    auto* plots = new QSplitter(Qt::Horizontal);
    plots->addWidget(residual_);
    plots->addWidget(optimisation_);
    plots->addWidget(numbers);
    plots->setSizes({470, 320, 510});
    auto* split = new QSplitter(Qt::Vertical);
    split->addWidget(strip_);
    split->addWidget(plots);
    split->setStretchFactor(0, 1);
    split->setStretchFactor(1, 2);
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(split);
}

QString VideoViews::verdict() const { return verdict_->text(); }

void VideoViews::showVideo(const VideoFrames& video) {
    video_ = video.images;
    clearResult();
    verdict_->setText(video.images.isEmpty() ? QString("Open a video (a file, a folder of frames) or make a scene video, then Run.")
                                             : QString("%1: %2 frames. Run to see whether it follows a geodesic of the model.").arg(video.name).arg(video.images.size()));
}

void VideoViews::clearResult() {
    strip_->setRows(video_.isEmpty() ? QVector<widgets::StripRow>{} : QVector<widgets::StripRow>{{"video", video_, kVideo}}, {});
    residual_->setSeries({});
    optimisation_->setSeries({});
    table_->setRowCount(0);
    liveIteration_.clear();
    liveRatio_.clear();
}

void VideoViews::showProgress(const VideoSnapshot& s) {
    if (s.stage != geo::RunStage::Optimise || s.iteration <= 0) return;
    if (!liveIteration_.isEmpty() && s.iteration <= liveIteration_.last()) {  // a new run's optimisation
        liveIteration_.clear();
        liveRatio_.clear();
    }
    liveIteration_ << s.iteration;
    liveRatio_ << s.meanRatio;
    optimisation_->setSeries({{"optimisation (live)", liveIteration_, liveRatio_, QPen(kLive, 2)}});
}

void VideoViews::showResult(const VideoAnalysisResult& r) {
    video_ = r.video;
    QVector<widgets::StripRow> rows{{"video", r.video, kVideo}};
    if (!r.optimised.isEmpty()) rows << widgets::StripRow{"optimised", r.optimised, kOptimised};
    strip_->setRows(rows, {0, int(r.video.size()) - 1});

    int perturbed = 0;
    for (const VideoPathCurve& p : r.paths) perturbed += p.name.startsWith("perturbed");
    QVector<widgets::PlotSeries> series;
    table_->setRowCount(r.paths.size());
    const double videoResidual = r.paths.isEmpty() ? NAN : r.paths.front().meanResidual;
    int perturbedIndex = 0;
    for (int i = 0; i < r.paths.size(); ++i) {
        const VideoPathCurve& p = r.paths[i];
        const QColor c = colourOf(p.name, perturbedIndex, perturbed);
        perturbedIndex += p.name.startsWith("perturbed");
        // The ends are held fixed (the residual is 0 there by construction): interior frames only.
        QVector<double> t, logR;
        for (int j = 1; j + 1 < p.t.size(); ++j) {
            t << p.t[j];
            logR << (p.residual[j] > 0 ? std::log10(p.residual[j]) : NAN);
        }
        series << widgets::PlotSeries{p.name, t, logR, QPen(c, p.name == "video" || p.name == "optimised" ? 2.6 : 1.6)};
        const QStringList cells{p.name, num(p.meanResidual), num(p.meanRatio, 3), num(p.logLength), i == 0 ? QString("1") : num(p.meanResidual / videoResidual, 3) + "×"};
        for (int col = 0; col < cells.size(); ++col) {
            auto* item = new QTableWidgetItem(cells[col]);
            if (col == 0) item->setForeground(c);
            if (col > 0) item->setTextAlignment(Qt::AlignRight | Qt::AlignVCenter);
            table_->setItem(i, col, item);
        }
    }
    residual_->setSeries(series);
    QVector<double> it;
    for (int i = 0; i < r.ratioHistory.size(); ++i) it << i + 1;
    optimisation_->setSeries({{QString("optimisation: %1 iterations%2").arg(r.iterations).arg(r.stoppedByRule ? ", stop rule" : ""), it, r.ratioHistory,
                               QPen(kOptimised, 2)}});
    QString text = QString("<b>%1</b>: %2 frames at timestep %3 (noise level %4), α %5; %6 UNet evaluations, %7 s.<br>%8")
                       .arg(r.videoName.toHtmlEscaped())
                       .arg(r.video.size())
                       .arg(r.timestep)
                       .arg(r.noiseLevel)
                       .arg(r.alpha)
                       .arg(r.evaluations)
                       .arg(r.seconds, 0, 'f', 1)
                       .arg(r.verdict.toHtmlEscaped());
    if (r.ruleFirstHeld > 0) text += QString("<br><i>The published stop rule first held at iteration %1.</i>").arg(r.ruleFirstHeld);
    for (const QString& w : r.warnings) text += "<br><i>" + w.toHtmlEscaped() + "</i>";
    verdict_->setText(text);
}
