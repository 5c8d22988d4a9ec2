#include "image_views.h"

#include <QDialog>
#include <QGridLayout>
#include <QLabel>
#include <QScrollArea>
#include <QScrollBar>
#include <QVBoxLayout>
#include <cmath>

#include "frame_strip/frame_strip.h"
#include "line_plot/line_plot.h"
#include "presentation/number_text.h"

namespace {

const QColor kPath(220, 50, 50), kBaseline(60, 110, 220), kControl(20, 20, 20), kKey(255, 170, 0), kSpacetime(130, 60, 170), kNoisy(150, 150, 150);

QString num(double v, int digits = 3) { return std::isfinite(v) ? QString::number(v, 'g', digits) : QString("–"); }

QString ratioText(double logA, double logB) { return widgets::logRatioText(logA, logB) + "×"; }

widgets::PlotSeries series(const QString& name, const QVector<double>& x, const QVector<double>& y, QColor c, bool dots = false) {
    return {name, x, y, QPen(c, dots ? 1 : 2.2), dots};
}

}  // namespace

ImageViews::ImageViews(QWidget* parent) : QWidget(parent) {
    strip_ = new widgets::FrameStrip;
    density_ = new widgets::LinePlot;
    density_->setAxisLabels("t (keyframe k at t = k)", "relative log-density (α-scaled, nats)");
    map_ = new widgets::LinePlot;
    map_->setAxisLabels("along the chord from first to last keyframe", "toward the largest departure");
    lambda_ = new widgets::LinePlot;
    lambda_->setAxisLabels("t (keyframe k at t = k)", "λ (log SNR; lower: noisier)");
    numbers_ = new QLabel;
    numbers_->setTextFormat(Qt::RichText);
    numbers_->setAlignment(Qt::AlignTop | Qt::AlignLeft);
    numbers_->setTextInteractionFlags(Qt::TextSelectableByMouse);
    numbers_->setWordWrap(true);
    numbers_->setMinimumWidth(260);
    auto* grid = grid_ = new QGridLayout(this);
    grid->setContentsMargins(0, 0, 0, 0);
    auto* scroll = stripArea_ = new QScrollArea;
    scroll->setWidget(strip_);
    scroll->setWidgetResizable(true);
    scroll->setFrameShape(QFrame::NoFrame);
    scroll->setHorizontalScrollBarPolicy(Qt::ScrollBarAsNeeded);
    scroll->setVerticalScrollBarPolicy(Qt::ScrollBarAlwaysOff);
    grid->addWidget(scroll, 0, 0, 1, 3);
    grid->addWidget(density_, 1, 0);
    auto* middle = new QVBoxLayout;
    middle->addWidget(map_);
    middle->addWidget(lambda_);
    grid->addLayout(middle, 1, 1);
    // Both geometries' numbers can outgrow the plots' height: they scroll rather than being cut off.
    auto* numbersArea = new QScrollArea;
    numbersArea->setWidget(numbers_);
    numbersArea->setWidgetResizable(true);
    numbersArea->setFrameShape(QFrame::NoFrame);
    numbersArea->setHorizontalScrollBarPolicy(Qt::ScrollBarAlwaysOff);
    numbersArea->setMinimumWidth(280);
    grid->addWidget(numbersArea, 1, 2);
    grid->setRowStretch(0, 2);
    grid->setRowStretch(1, 3);
    grid->setColumnStretch(0, 3);
    grid->setColumnStretch(1, 3);
    grid->setColumnStretch(2, 2);

    viewer_ = new QDialog(this);
    viewer_->setWindowTitle("Frame");
    viewerImage_ = new QLabel;
    viewerImage_->setAlignment(Qt::AlignCenter);
    viewerText_ = new QLabel;
    viewerText_->setTextFormat(Qt::RichText);
    auto* v = new QVBoxLayout(viewer_);
    v->addWidget(viewerImage_);
    v->addWidget(viewerText_);
    connect(strip_, &widgets::FrameStrip::frameClicked, this, [this](int, int column) { showFrame(column); });
    clear();
    showGeometry(true, false);
}

void ImageViews::clear() {
    livePath_.clear();
    liveBaseline_.clear();
    liveT_.clear();
    livePathDensity_.clear();
    liveBaselineDensity_.clear();
    liveSpacetime_.clear();
    liveLambda_.clear();
    columns_.clear();
    densityFrames_.clear(), spacetimeFrames_.clear(), noisyFrames_.clear(), slerpFrames_.clear();
    keys_.clear();
    strip_->setRows({}, {});
    density_->setSeries({});
    map_->setSeries({});
    lambda_->setSeries({});
    numbers_->setText("<p style='color:gray'>Add two or more keyframes and press Run.</p>");
}

void ImageViews::showGeometry(bool density, bool spacetime) {
    density_->setVisible(density);
    map_->setVisible(density);
    lambda_->setVisible(spacetime);
    grid_->setColumnStretch(0, density ? 3 : 0);  // alone, λ takes the density plot's room
}

void ImageViews::setStrip() {
    QVector<widgets::StripRow> rows;
    const QString preview = "\n(preview)";
    if (!densityFrames_.isEmpty()) rows.push_back({"density\ngeodesic" + (densityFinal_ ? QString() : preview), densityFrames_, kPath});
    if (!spacetimeFrames_.isEmpty()) rows.push_back({"spacetime\ngeodesic" + (spacetimeFinal_ ? QString() : preview), spacetimeFrames_, kSpacetime});
    if (!noisyFrames_.isEmpty() && geometry_ == geo::Geometry::Spacetime) rows.push_back({"spacetime\ncurve points", noisyFrames_, kNoisy});
    if (!slerpFrames_.isEmpty()) rows.push_back({"slerp" + (densityFinal_ ? QString() : preview), slerpFrames_, kBaseline});
    strip_->setRows(rows, keys_);
    // Every row stays in view (the strip scrolls only sideways); room for the scroll bar below.
    stripArea_->setMinimumHeight(strip_->minimumHeight() + stripArea_->horizontalScrollBar()->sizeHint().height());
}

void ImageViews::startRun(int pairs, bool extrapolate, geo::Geometry geometry, int framesPerPair) {
    extrapolate_ = extrapolate;
    framesPerPair_ = framesPerPair;
    geometry_ = geometry;
    livePath_ = liveBaseline_ = liveSpacetime_ = QVector<QVector<QImage>>(pairs);
    liveT_ = livePathDensity_ = liveBaselineDensity_ = liveLambda_ = QVector<QVector<double>>(pairs);
    // A shown density result stays until the run's previews replace it; the spacetime rows go at once
    // (their previews come only after the density solve in "both").
    if (geometry == geo::Geometry::Spacetime) densityFrames_.clear(), slerpFrames_.clear();
    spacetimeFrames_.clear(), noisyFrames_.clear(), lambda_->setSeries({});
    densityNumbers_.clear();
    showGeometry(geo::solvesDensity(geometry), geo::solvesSpacetime(geometry));
    setStrip();
    previewsShown_ = spacetimePreviews_ = 0;
    previewLevels_.clear();
    levelsSeen_.clear();
}

void ImageViews::showSnapshot(const ImageSnapshot& s) {
    if (s.stage == geo::RunStage::Solve && !levelsSeen_.contains(s.level)) levelsSeen_ << s.level;
    if (s.previewPair >= 0 && s.previewPair < livePath_.size()) {
        const int p = s.previewPair;
        livePath_[p] = s.pathFrames;
        liveBaseline_[p] = s.baselineFrames;
        liveT_[p] = s.previewT;
        livePathDensity_[p] = s.pathLogDensity;
        liveBaselineDensity_[p] = s.baselineLogDensity;
        ++previewsShown_;
        previewLevels_ << s.level;
        drawLive();
    }
    if (!s.mapPath.points.isEmpty()) drawMap(s.mapPath, s.mapBaseline, s.mapControl, {});
    if (s.densityResult) {  // "both": the density geodesic is done; the spacetime one starts
        showResult(*s.densityResult);
        geometry_ = geo::Geometry::Both;
        showGeometry(true, true);
    }
    if (s.stage == geo::RunStage::Spacetime) {
        if (s.pair < liveLambda_.size() && !s.spacetimeLambda.isEmpty()) liveLambda_[s.pair] = s.spacetimeLambda;
        if (s.pair < liveSpacetime_.size() && !s.spacetimeFrames.isEmpty()) liveSpacetime_[s.pair] = s.spacetimeFrames, ++spacetimePreviews_;
        drawSpacetimeLive();
        QString text = QString("<b>Spacetime geodesic</b> pair %1 of %2<br>step %3 of at most %4<br>energy (this step's estimate): %5")
                           .arg(s.pair + 1)
                           .arg(s.pairs)
                           .arg(s.done)
                           .arg(std::max(0, s.total - 1))
                           .arg(num(s.spacetimeEnergy, 5));
        if (!s.spacetimeLambda.isEmpty())
            text += QString("<br>lowest λ on the curve: %1").arg(num(*std::min_element(s.spacetimeLambda.begin(), s.spacetimeLambda.end())));
        text += QString("<p style='color:gray'>Frames: the curve's posterior means, decoded. %1 s</p>").arg(s.seconds, 0, 'f', 1);
        numbers_->setText(densityNumbers_ + text);
        return;
    }
    QString text = QString("<b>%1</b>").arg(s.stage == geo::RunStage::Solve ? "Solving" : stageTitle(s.stage));
    if (s.stage == geo::RunStage::Solve) {
        text += QString(" pair %1 of %2<br>level %3 · iteration %4 of %5").arg(s.pair + 1).arg(s.pairs).arg(s.level).arg(s.iteration).arg(s.maxIterations);
        text += QString("<br>Euler–Lagrange residual: %1 mean, %2 max").arg(num(s.residualMean), num(s.residualMax));
        text += QString("<br>network evaluations: %1").arg(s.evaluations);
        if (s.previewPair >= 0)
            text += QString("<br>pair %1 (preview): log-length %2 geodesic, %3 slerp; the slerp is %4 longer")
                        .arg(s.previewPair + 1)
                        .arg(num(s.pathLogLength, 4), num(s.baselineLogLength, 4), ratioText(s.baselineLogLength, s.pathLogLength));
    }
    text += QString("<p style='color:gray'>Frames: previews from the solver's points through a linear latent-to-RGB map; the final frames are full decodes. %1 s</p>").arg(s.seconds, 0, 'f', 1);
    numbers_->setText(text);
}

void ImageViews::drawLive() {
    int n = 0;
    for (const auto& f : livePath_) n = std::max(n, static_cast<int>(f.size()));
    if (n == 0) return;
    QVector<QImage> path, baseline;
    QVector<int> keys;
    QVector<double> t, pd, bd, tb;
    columns_.clear();
    double pathOffset = 0, baselineOffset = 0;
    for (int p = 0; p < livePath_.size(); ++p) {
        keys << path.size() - (p == 0 ? 0 : 1);
        const bool have = livePath_[p].size() == n;
        for (int j = p == 0 ? 0 : 1; j < n; ++j) {
            Column c;
            c.t = p + (have ? liveT_[p][j] : double(j) / (n - 1));
            if (have) {
                c.path = livePath_[p][j];
                c.baseline = liveBaseline_[p][j];
                c.pathDensity = pathOffset + livePathDensity_[p][j];
                c.baselineDensity = baselineOffset + liveBaselineDensity_[p][j];
                t << c.t;
                pd << c.pathDensity;
                bd << c.baselineDensity;
            }
            c.residual = NAN;
            path << c.path;
            baseline << c.baseline;
            columns_ << c;
        }
        if (have) pathOffset += livePathDensity_[p].back(), baselineOffset += liveBaselineDensity_[p].back();
    }
    keys << path.size() - 1;
    densityFrames_ = path;
    slerpFrames_ = baseline;
    densityFinal_ = false;
    keys_ = keys;
    setStrip();
    QVector<double> kt, kd;
    for (int k : keys)
        if (!columns_[k].path.isNull()) kt << columns_[k].t, kd << columns_[k].pathDensity;
    density_->setSeries({series("geodesic", t, pd, kPath), series("slerp", t, bd, kBaseline), series("keyframes", kt, kd, kKey, true)});
}

void ImageViews::drawSpacetimeLive() {
    // The solve may run on fewer points than there are columns (16 first, then the frames per pair):
    // each column shows the curve point nearest to it; λ is drawn at the points themselves.
    const int n = std::max(2, framesPerPair_);
    QVector<QImage> frames;
    QVector<double> t, lambda;
    keys_.clear();
    for (int p = 0; p < liveLambda_.size(); ++p) {
        const QVector<double>& l = liveLambda_[p];
        const QVector<QImage>& previews = liveSpacetime_[p];
        const int m = static_cast<int>(l.size());
        keys_ << frames.size() - (p == 0 ? 0 : 1);
        for (int j = p == 0 ? 0 : 1; j < n; ++j) {
            const int nearest = m >= 2 ? static_cast<int>(std::lround(double(j) * (m - 1) / (n - 1))) : 0;
            frames << (previews.size() == m ? previews.value(nearest) : QImage());
        }
        for (int i = (p == 0 ? 0 : 1); i < m && m >= 2; ++i) t << p + double(i) / (m - 1), lambda << l[i];
    }
    keys_ << frames.size() - 1;
    spacetimeFrames_ = frames;
    spacetimeFinal_ = false;
    if (geometry_ == geo::Geometry::Spacetime) noisyFrames_.clear();
    for (int i = 0; i < frames.size(); ++i) {
        if (columns_.size() <= i) columns_.resize(i + 1);
        columns_[i].spacetime = frames[i];
    }
    setStrip();
    lambda_->setSeries({series("spacetime geodesic", t, lambda, kSpacetime)});
}

void ImageViews::drawMap(const MapLine& path, const MapLine& baseline, const MapLine& control, const MapLine& keys) {
    auto split = [](const MapLine& l, QVector<double>& x, QVector<double>& y) {
        for (const QPointF& p : l.points) x << p.x(), y << p.y();
    };
    QVector<widgets::PlotSeries> all;
    for (auto [line, name, colour, dots] : {std::tuple{&baseline, "slerp", kBaseline, false}, {&path, "density geodesic", kPath, false},
                                            {&control, "control points", kControl, true}, {&keys, "keyframes", kKey, true}}) {
        if (line->points.isEmpty()) continue;
        widgets::PlotSeries s = series(name, {}, {}, colour, dots);
        split(*line, s.x, s.y);
        all << s;
    }
    map_->setSeries(all);
}

void ImageViews::showResult(const ImageRunResult& r) {
    if (!r.path && !r.spacetime) return;
    geometry_ = !r.spacetime ? geo::Geometry::Density : r.path ? geo::Geometry::Both : geo::Geometry::Spacetime;
    showGeometry(r.path != nullptr, r.spacetime != nullptr);
    columns_.clear();
    densityFrames_.clear(), slerpFrames_.clear(), spacetimeFrames_.clear(), noisyFrames_.clear();
    QString text;
    if (r.path) {
        for (int i = 0; i < r.frames.size(); ++i) {
            Column c;
            c.path = r.frames[i];
            c.baseline = r.baselineFrames.value(i);
            c.t = r.t.value(i);
            c.pathDensity = r.pathLogDensity.value(i);
            c.baselineDensity = r.baselineLogDensity.value(i);
            c.residual = r.frameResidual.value(i, NAN);
            c.final = true;
            columns_ << c;
        }
        densityFrames_ = r.frames;
        slerpFrames_ = r.baselineFrames;
        densityFinal_ = true;
        keys_ = r.keyframes;
        QVector<double> kt, kd;
        for (int k : r.keyframes) kt << r.t.value(k), kd << r.pathLogDensity.value(k);
        density_->setSeries({series("density geodesic", r.t, r.pathLogDensity, kPath), series("slerp", r.t, r.baselineLogDensity, kBaseline),
                             series("keyframes", kt, kd, kKey, true)});
        drawMap(r.mapPath, r.mapBaseline, r.mapControl, r.mapKeyframes);
        text += QString("<table cellspacing=3>"
                        "<tr><td><b>Density geodesic length</b></td><td><b>e^%1</b></td></tr>"
                        "<tr><td>Slerp length</td><td>e^%2 &nbsp;(%3 the geodesic)</td></tr>"
                        "<tr><td>Residual</td><td>%4 mean, %5 max (slerp: %6 mean)</td></tr>"
                        "<tr><td>Solver</td><td>%7, %8 iterations</td></tr>"
                        "<tr><td>Network evaluations</td><td>%9</td></tr></table>")
                    .arg(num(r.pathLogLength, 5), num(r.baselineLogLength, 5), ratioText(r.baselineLogLength, r.pathLogLength), num(r.residualMean),
                         num(r.residualMax), num(r.baselineResidualMean), r.solver)
                    .arg(r.iterations)
                    .arg(r.evaluations);
        text += "<p style='color:gray'>Lengths ∫|γ′|/p̃(γ) in the density metric, as logarithms (p̃ spans hundreds of nats). "
                "Residual: |term₁ + term₂| / (|term₁| + |term₂|) at the control points, 0 on a geodesic.</p>";
        densityNumbers_ = text;
    }
    if (r.spacetime) {
        const SpacetimeRunResult& st = *r.spacetime;
        spacetimeFrames_ = st.means;
        noisyFrames_ = st.noisy;
        spacetimeFinal_ = true;
        if (!r.path) {
            keys_.clear();
            const int perPair = st.pairDistance.isEmpty() ? 0 : (st.means.size() - 1) / st.pairDistance.size();
            for (int k = 0; k <= st.pairDistance.size(); ++k) keys_ << k * perPair;
        }
        for (int i = 0; i < st.means.size(); ++i) {
            if (columns_.size() <= i) columns_.resize(i + 1), columns_[i].t = st.t.value(i), columns_[i].final = true;
            columns_[i].spacetime = st.means[i];
            columns_[i].lambda = st.lambda.value(i);
        }
        lambda_->setSeries({series("spacetime geodesic", st.t, st.lambda, kSpacetime)});
        text += spacetimeNumbers(st);
    }
    setStrip();
    text += QString("<p>Time: %1 s</p>").arg(r.seconds, 0, 'f', 1);
    for (const QString& w : r.warnings) text += "<p style='color:#8a6d00'>" + w.toHtmlEscaped() + "</p>";
    numbers_->setText(text);
}

QString ImageViews::spacetimeNumbers(const SpacetimeRunResult& st) const {
    QStringList pairs;
    for (double d : st.pairDistance) pairs << num(d, 4);
    const QString stop = st.stop == "converged"  ? "the energy levelled off"
                         : st.stop == "unhealthy" ? "stopped where the network's second moment stops being trustworthy"
                                                  : "step budget reached";
    QString text = QString("<table cellspacing=3>"
                           "<tr><td><b>Diffusion Edit Distance</b></td><td><b>%1</b> ± %11%2</td></tr>"
                           "<tr><td>Spacetime energy</td><td>%3 ± %4</td></tr>"
                           "<tr><td>Lowest λ</td><td>%5 (keyframes at λ = %6)</td></tr>"
                           "<tr><td>Spacetime solve</td><td>%7 steps: %8</td></tr>"
                           "<tr><td>Network passes</td><td>%9 forward, %10 backward</td></tr></table>")
                       .arg(num(st.editDistance, 4), pairs.size() > 1 ? " (pairs: " + pairs.join(", ") + ")" : QString())
                       .arg(num(st.energy, 4), num(st.energyError, 2), num(st.lambdaMin), num(st.lambdaEnd))
                       .arg(st.steps)
                       .arg(stop)
                       .arg(st.forward)
                       .arg(st.backward)
                       .arg(num(st.editDistanceError, 2));
    text += "<p style='color:gray'>Fisher–Rao geodesic of p(x₀ | x_t) in spacetime (x_t, λ); its length is the DED. "
            "Frames: decoded posterior means.</p>";
    return text;
}

QString ImageViews::numbersText() const { return numbers_->text(); }

void ImageViews::showFrame(int column) {
    if (column < 0 || column >= columns_.size()) return;
    const Column& c = columns_[column];
    strip_->setSelected(column);
    const QImage shown = !c.path.isNull() ? c.path : !c.spacetime.isNull() ? c.spacetime : c.baseline;
    if (shown.isNull()) return;
    const int side = std::max(256, shown.width());
    viewerImage_->setPixmap(QPixmap::fromImage(shown.scaled(side, side, Qt::KeepAspectRatio, shown.width() < side ? Qt::FastTransformation : Qt::SmoothTransformation)));
    viewerText_->setText(QString("<b>t = %1</b> (frame %2%3)<br>relative log-density: %4 geodesic, %5 slerp<br>residual at the nearest control point: %6")
                             .arg(c.t, 0, 'f', 3)
                             .arg(column)
                             .arg(c.final ? "" : ", preview")
                             .arg(num(c.pathDensity, 4), num(c.baselineDensity, 4), num(c.residual)) +
                         (std::isfinite(c.lambda) ? QString("<br>spacetime geodesic: λ = %1").arg(c.lambda, 0, 'f', 2) : QString()));
    viewer_->show();
    viewer_->raise();
}
