// The image mode as a user meets it, on the offscreen platform with the shipped model and short
// solves: files dropped from a file manager become keyframes (and the drop can be undone); a run
// shows a preview at every solver level it reaches and ends with exactly the frames geodesic-cli
// writes for the same images, options and seed (byte for byte: the GUI calls the same pipeline
// function); cancel frees the model's slot within 100 ms and keeps the last complete result; a second
// run replaces the first; a model load during a run cancels it with a message; export writes what the
// dialog asked for; a text-conditioned model takes a prompt per keyframe.
#include <QClipboard>
#include <QDirIterator>
#include <QDropEvent>
#include <QElapsedTimer>
#include <QImageReader>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QMimeData>
#include <QProcess>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QUndoStack>
#include <QtTest>

#include "frame_strip/frame_strip.h"
#include "line_plot/line_plot.h"
#include "image_mode.h"
#include "image_views.h"
#include "keyframe_bar/keyframe_bar.h"
#include "main_window.h"
#include "model_service_wait.h"
#include "scenes/scene.h"
#include "sd_fixture_model.h"

namespace {

// Two scenes of the generator's world as PNG files of another size than the model's (256 px), so
// the centre-crop path is exercised too.
QStringList writeScenes(const QTemporaryDir& dir, int count, uint64_t seed = 7) {
    QStringList paths;
    for (int i = 0; i < count; ++i) {
        const QString path = dir.filePath(QString("scene_%1.png").arg(i));
        geo::writePng(path.toStdString(), geo::renderScene(geo::randomScene(seed + i), 256));
        paths << path;
    }
    return paths;
}

void dropFiles(QWidget* target, const QStringList& paths) {
    QMimeData data;
    QList<QUrl> urls;
    for (const QString& p : paths) urls << QUrl::fromLocalFile(p);
    data.setUrls(urls);
    const QPoint at(10, 10);
    QDragEnterEvent enter(at, Qt::CopyAction, &data, Qt::LeftButton, Qt::NoModifier);
    QApplication::sendEvent(target, &enter);
    QDropEvent drop(at, Qt::CopyAction, &data, Qt::LeftButton, Qt::NoModifier);
    QApplication::sendEvent(target, &drop);
}

// Short solves: two bisection levels' worth of iterations, five frames per pair.
geo::ImageRunOptions shortRun(geo::ImageRunOptions s) {
    s.density.solver.maxIterations = 120;
    s.density.framesPerPair = 5;
    s.density.seed = 3;
    return s;
}

// A run that must solve (not reuse a solved path from the cache): a seed not used before.
bool runFresh(ImageMode& mode) {
    static quint64 seed = 100;
    geo::ImageRunOptions s = mode.settings();
    s.density.seed = seed++;
    mode.setSettings(s);
    return mode.run();
}

// geodesic-cli's flags for the run the window's options describe (what the image mode's controls set).
QStringList cliFlags(const geo::ImageRunOptions& o) {
    return {"--geometry", QString::fromStdString(geo::geometryName(o.geometry)),
            "--frames", QString::number(o.density.framesPerPair),
            "--iterations", QString::number(o.density.solver.maxIterations),
            "--seed", QString::number(o.density.seed),
            "--alpha", QString::number(o.density.solver.alpha, 'g', 17),
            "--solver", QString::fromStdString(geo::latentBvpMethodName(o.density.solver.method)),
            "--jitter", QString::number(o.density.jitterRange),
            "--noise-level", QString::number(o.density.noiseLevel, 'g', 17),
            "--spacetime-steps", QString::number(o.spacetimeSteps)};
}

// Every file under a folder, relative to it, sorted.
QStringList filesUnder(const QString& folder) {
    QStringList files;
    QDirIterator it(folder, QDir::Files, QDirIterator::Subdirectories);
    while (it.hasNext()) files << QDir(folder).relativeFilePath(it.next());
    files.sort();
    return files;
}

// The frames of a folder written by the CLI equal the window's, pixel for pixel (a failure here ends
// the calling test through COMPARE_FRAMES).
void compareFrames(const QVector<QImage>& window, const QString& folder) {
    QVERIFY(!window.isEmpty());
    for (int i = 0; i < window.size(); ++i) {
        const QImage fromCli(folder + QString("/frame_%1.png").arg(i, 3, 10, QChar('0')));
        QCOMPARE(window[i].convertToFormat(QImage::Format_RGB888), fromCli.convertToFormat(QImage::Format_RGB888));
    }
    QVERIFY(!QFile::exists(folder + QString("/frame_%1.png").arg(window.size(), 3, 10, QChar('0'))));
}

#define COMPARE_FRAMES(window, folder)              \
    do {                                            \
        compareFrames(window, folder);              \
        if (QTest::currentTestFailed()) return;     \
    } while (false)

bool waitRun(ImageMode& mode, int timeoutMs = 120000) {
    QSignalSpy done(&mode, &ImageMode::runFinished);
    return done.wait(timeoutMs) && done.front().front().toBool();
}

}  // namespace

class TestImageMode : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void initTestCase() {
        QStandardPaths::setTestModeEnabled(true);  // QSettings of the tests stay apart from a user's
        service_ = std::make_unique<ModelService>();
        mode_ = std::make_unique<ImageMode>(service_.get());
        mode_->resize(1300, 800);
        mode_->show();  // showing the mode loads the shipped model
        QVERIFY(QTest::qWaitForWindowExposed(mode_.get()));
        QVERIFY(waitForModel(*service_));
        mode_->setSettings(shortRun(mode_->settings()));
    }
    void cleanupTestCase() {
        mode_.reset();
        service_.reset();
    }

    void droppedFilesBecomeKeyframesAndUndo() {
        const QStringList files = writeScenes(dir_, 2);
        QSignalSpy added(mode_.get(), &ImageMode::imagesAdded);
        dropFiles(mode_->keyframeBar()->viewport(), files);
        QVERIFY(added.wait(10000));  // files are read off the GUI thread
        QCOMPARE(mode_->keyframeCount(), 2);
        QCOMPARE(mode_->keyframeBar()->count(), 2);
        mode_->undoStack()->undo();
        QCOMPARE(mode_->keyframeCount(), 0);
        mode_->undoStack()->redo();
        QCOMPARE(mode_->keyframeCount(), 2);
        mode_->addImageFiles({dir_.filePath("missing.png")});
        QVERIFY(added.wait(10000));
        QCOMPARE(added.back().at(0).toInt(), 0);  // adds nothing, says why
        QVERIFY(added.back().at(1).toStringList().join(" ").contains("missing.png"));
        QVERIFY(mode_->statusText().contains("missing.png"));
        QCOMPARE(mode_->keyframeCount(), 2);

        // A drag that reorders (the bar moves its items, then reports) is one undoable step.
        widgets::KeyframeBar* bar = mode_->keyframeBar();
        const QVector<quint64> before = bar->order();
        bar->setOrder({before[1], before[0]});
        QCOMPARE(mode_->undoStack()->undoText(), QString("Reorder keyframes"));
        mode_->undoStack()->undo();
        QCOMPARE(bar->order(), before);

        // The scene generator and the clipboard add keyframes too; both undone again.
        mode_->addScenes(2);
        QCOMPARE(mode_->keyframeCount(), 4);
        QApplication::clipboard()->setImage(QImage(dir_.filePath("scene_0.png")));
        QTest::keySequence(mode_.get(), QKeySequence::Paste);
        QCOMPARE(mode_->keyframeCount(), 5);
        mode_->undoStack()->undo();
        mode_->undoStack()->undo();
        QCOMPARE(bar->order(), before);
    }

    void runPreviewsEveryLevelAndEqualsTheCli() {
        QVERIFY(mode_->run());
        QVERIFY(waitRun(*mode_));
        const ImageViews* v = mode_->views();
        QVERIFY2(v->levelsSeen().size() >= 2, "a short solve still reaches two levels");
        for (int level : v->levelsSeen()) QVERIFY2(v->previewLevels().contains(level), qPrintable(QString("no preview at level %1").arg(level)));
        QCOMPARE(v->strip()->rowCount(), 2);
        QCOMPARE(v->strip()->row(0).frames.size(), 5);

        // The CLI on the same files, options and seed.
        const QString cli = qEnvironmentVariable("GEODESIC_CLI");
        if (cli.isEmpty()) QSKIP("GEODESIC_CLI is not set");
        QCOMPARE(mode_->settings().density.seed, quint64(3));
        QProcess p;
        p.start(cli, QStringList{"interpolate", dir_.filePath("scene_0.png"), dir_.filePath("scene_1.png"), "--out", dir_.filePath("cli")} +
                         cliFlags(mode_->settings()));
        QVERIFY(p.waitForFinished(300000));
        QVERIFY2(p.exitCode() == 0, p.readAllStandardError().constData());
        const ImageRunResultPtr r = mode_->result();
        QVERIFY(r);
        COMPARE_FRAMES(r->frames, dir_.filePath("cli"));
    }

    void cancelIsQuickAndKeepsTheResult() {
        const ImageRunResultPtr before = mode_->result();
        QVERIFY(before);
        geo::ImageRunOptions s = mode_->settings();
        s.density.solver.alpha = 0.03;  // not in the keyframe cache's way: the inverted keyframes are reused
        mode_->setSettings(s);
        QVERIFY(runFresh(*mode_));
        QTRY_VERIFY_WITH_TIMEOUT(!mode_->views()->levelsSeen().isEmpty(), 60000);  // solving
        QElapsedTimer t;
        t.start();
        mode_->cancel();
        while (service_->isBusy(ModelService::Slot::ImagePath) && t.elapsed() < 5000) QThread::msleep(1);
        const qint64 ms = t.elapsed();
        QVERIFY2(ms < 100, qPrintable(QString("the worker took %1 ms to stop").arg(ms)));
        QCOMPARE(mode_->result(), before);
        QVERIFY(mode_->statusText().contains("last complete result"));

        // Run again to the end: only α changed, so the inverted keyframes were reused, not recomputed.
        QVERIFY(mode_->run());
        QVERIFY(waitRun(*mode_));
        QVERIFY(mode_->result()->warnings.join(" ").contains("reused"));
        QVERIFY(mode_->result()->evaluations < before->evaluations);
    }

    // Frames per pair change only what is decoded: the solved path is reused, not solved again.
    void moreFramesReuseTheSolvedPath() {
        const ImageRunResultPtr before = mode_->result();
        geo::ImageRunOptions s = mode_->settings();
        s.density.framesPerPair = 9;
        mode_->setSettings(s);
        QVERIFY(mode_->run());
        QVERIFY(waitRun(*mode_));
        QCOMPARE(mode_->result()->frames.size(), 9);
        QVERIFY(mode_->result()->warnings.join(" ").contains("solved path reused"));
        QCOMPARE(mode_->result()->iterations, before->iterations);
        QVERIFY(mode_->views()->levelsSeen().isEmpty());  // the solver did not run
        s.density.framesPerPair = 5;
        mode_->setSettings(s);
    }

    void aSampleRunsBesideARun() {
        QSignalSpy cancelled(service_.get(), &ModelService::jobsCancelled);
        QSignalSpy finished(mode_.get(), &ImageMode::runFinished);
        const int keyframes = mode_->keyframeCount();
        QVERIFY(runFresh(*mode_));
        QTRY_VERIFY_WITH_TIMEOUT(!mode_->views()->levelsSeen().isEmpty(), 60000);
        QVERIFY(mode_->addSample());
        QTRY_VERIFY_WITH_TIMEOUT(mode_->keyframeCount() == keyframes + 1, 60000);  // the sample arrived …
        QVERIFY(finished.wait(120000) || !finished.isEmpty());
        QVERIFY(finished.front().front().toBool());  // … and the run still completed
        QVERIFY(cancelled.isEmpty());
        mode_->undoStack()->undo();  // the sample is not a keyframe of the next tests
        QCOMPARE(mode_->keyframeCount(), keyframes);
    }

    void aSecondRunReplacesTheFirst() {
        geo::ImageRunOptions s = mode_->settings();
        s.density.solver.alpha = 0.01;
        mode_->setSettings(s);
        QSignalSpy finished(mode_.get(), &ImageMode::runFinished);
        QVERIFY(runFresh(*mode_));
        QTRY_VERIFY_WITH_TIMEOUT(!mode_->views()->levelsSeen().isEmpty(), 60000);
        s.density.solver.alpha = 0.04;
        mode_->setSettings(s);
        QVERIFY(mode_->run());
        QVERIFY(finished.wait(120000));
        QTest::qWait(200);
        QCOMPARE(finished.size(), 1);  // the replaced run reports nothing
        QCOMPARE(mode_->result()->alpha, 0.04);
        QVERIFY(mode_->views()->numbersText().contains("Density geodesic length"));
    }

    void aModelLoadDuringARunCancelsItWithAMessage() {
        QSignalSpy cancelled(service_.get(), &ModelService::jobsCancelled);
        QVERIFY(runFresh(*mode_));
        QTRY_VERIFY_WITH_TIMEOUT(!mode_->views()->levelsSeen().isEmpty(), 60000);
        service_->load({}, "cpu", "float32");
        QCOMPARE(cancelled.size(), 1);
        QVERIFY2(cancelled.front().front().toString().contains("cancelled the running image path"), qPrintable(cancelled.front().front().toString()));
        QTRY_VERIFY_WITH_TIMEOUT(mode_->statusText().contains("cancelled the running image path") || mode_->statusText().startsWith("Model:"), 60000);
        QVERIFY(waitForModel(*service_));
        QTRY_VERIFY_WITH_TIMEOUT(!mode_->isRunning(), 5000);
        QVERIFY(mode_->run());  // the new model runs
        QVERIFY(waitRun(*mode_));
    }

    void exportWritesWhatWasAsked() {
        ImageExportRequest r;
        r.folder = dir_.filePath("export");
        r.gif = true;
        r.mp4 = false;
        r.json = true;
        r.animation.fps = 5;
        r.animation.hold = 2;
        r.animation.width = r.animation.height = 96;
        QSignalSpy done(mode_.get(), &ImageMode::exportFinished);
        QVERIFY(mode_->exportResult(r));
        QVERIFY(done.wait(60000));
        QVERIFY2(done.front().front().toBool(), qPrintable(done.front().at(1).toString()));
        const int frames = mode_->result()->frames.size();
        for (int i = 0; i < frames; ++i) QVERIFY(QFile::exists(r.folder + QString("/frame_%1.png").arg(i, 3, 10, QChar('0'))));
        QVERIFY(QFile::exists(r.folder + "/baseline/frame_000.png"));
        QVERIFY(QFile::exists(r.folder + "/strip.png"));
        QVERIFY(QFile::exists(r.folder + "/path.json"));
        QVERIFY(!QFile::exists(r.folder + "/path.mp4"));
        QImageReader gif(r.folder + "/path.gif");
        QCOMPARE(gif.size(), QSize(96, 96));
        QCOMPARE(gif.imageCount(), frames + 2 * mode_->result()->keyframes.size());  // each keyframe held two extra frames

        ImageExportRequest bad = r;
        bad.folder = "/nonexistent/parent/export";
        QSignalSpy failed(mode_.get(), &ImageMode::exportFinished);
        QVERIFY(mode_->exportResult(bad));
        QVERIFY(failed.wait(60000));
        QVERIFY(!failed.front().front().toBool());
        QVERIFY(!QFile::exists(bad.folder));
    }

    // "Both": the density geodesic, then the spacetime geodesic solved live (its progress in the numbers
    // while the run goes), their strips and the slerp's stacked at the same columns, λ along the curve.
    void bothGeometriesStackTheirStrips() {
        geo::ImageRunOptions s = mode_->settings();
        s.geometry = geo::Geometry::Both;
        s.spacetimeSteps = 12;
        s.density.framesPerPair = 5;
        mode_->setSettings(s);
        QCOMPARE(mode_->keyframeCount(), 2);  // scene_0 and scene_1
        QVERIFY(runFresh(*mode_));
        QTRY_VERIFY_WITH_TIMEOUT(mode_->views()->numbersText().contains("Spacetime geodesic</b> pair"), 120000);
        QVERIFY(mode_->isRunning());
        QVERIFY(mode_->views()->strip()->row(0).label.startsWith("density"));  // the finished density geodesic stays in view
        QVERIFY(mode_->views()->lambdaPlot()->isVisible());                      // λ is drawn while the spacetime solve runs
        QVERIFY(waitRun(*mode_));
        const ImageViews* v = mode_->views();
        QCOMPARE(v->strip()->rowCount(), 3);
        const QStringList labels{v->strip()->row(0).label, v->strip()->row(1).label, v->strip()->row(2).label};
        QVERIFY2(labels[0].startsWith("density") && labels[1].startsWith("spacetime") && labels[2].startsWith("slerp"), qPrintable(labels.join("|")));
        for (int r = 0; r < 3; ++r) QCOMPARE(v->strip()->row(r).frames.size(), 5);
        QVERIFY(v->spacetimePreviewsShown() >= 1);
        QVERIFY(v->lambdaPlot()->isVisible() && v->densityPlot()->isVisible());
        QCOMPARE(v->lambdaPlot()->seriesCount(), 1);
        const ImageRunResultPtr r = mode_->result();
        QVERIFY(r->path && r->spacetime);
        const SpacetimeRunResult& st = *r->spacetime;
        QCOMPARE(st.lambda.size(), 5);
        QCOMPARE(st.lambda.front(), st.lambdaEnd);
        QCOMPARE(st.lambda.back(), st.lambdaEnd);
        QVERIFY(st.lambdaMin <= st.lambdaEnd && st.editDistance > 0 && st.forward > 0 && st.backward > 0);
        QVERIFY(v->numbersText().contains("Diffusion Edit Distance") && v->numbersText().contains("Density geodesic length"));
        QVERIFY(mode_->statusText().contains("Diffusion Edit Distance"));

        // `geodesic-cli interpolate --geometry both` on the same files, options and seed: the frames of
        // both geometries, pixel for pixel, and the window's export writes exactly the CLI's files.
        const QString cli = qEnvironmentVariable("GEODESIC_CLI");
        if (cli.isEmpty()) QSKIP("GEODESIC_CLI is not set");
        const QString out = dir_.filePath("cli-both");
        QProcess p;
        p.start(cli, QStringList{"interpolate", dir_.filePath("scene_0.png"), dir_.filePath("scene_1.png"), "--out", out, "--json", out + "/path.json",
                                 "--gif", out + "/path.gif"} +
                         cliFlags(mode_->settings()));
        QVERIFY(p.waitForFinished(600000));
        QVERIFY2(p.exitCode() == 0, p.readAllStandardError().constData());
        COMPARE_FRAMES(r->frames, out);
        COMPARE_FRAMES(st.means, out + "/spacetime");
        ImageExportRequest e;
        e.folder = dir_.filePath("window-both");
        e.gif = e.json = true;
        QSignalSpy done(mode_.get(), &ImageMode::exportFinished);
        QVERIFY(mode_->exportResult(e));
        QVERIFY(done.wait(60000));
        QVERIFY2(done.front().front().toBool(), qPrintable(done.front().at(1).toString()));
        QCOMPARE(filesUnder(e.folder), filesUnder(out));
        QVERIFY(filesUnder(out).contains("spacetime/spacetime.json"));
    }

    // A spacetime solve runs on 16 points before the frames per pair (17): its live previews still
    // fill every column of the strip, each with the nearest curve point, and λ is drawn at the points.
    void livePreviewsOfFewerPointsFillEveryColumn() {
        ImageViews views;
        views.startRun(1, false, geo::Geometry::Spacetime, 17);
        ImageSnapshot s;
        s.stage = geo::RunStage::Spacetime;
        s.pairs = 1;
        s.done = 3;
        s.total = 201;
        for (int i = 0; i < 16; ++i) {
            s.spacetimeLambda << 2 - std::sin(M_PI * i / 15.0);
            QImage frame(8, 8, QImage::Format_RGB888);
            frame.fill(QColor(i * 16, 0, 0));
            s.spacetimeFrames << frame;
        }
        views.showSnapshot(s);
        QCOMPARE(views.strip()->rowCount(), 1);
        QCOMPARE(views.strip()->row(0).frames.size(), 17);
        for (int j = 0; j < 17; ++j) {
            const int nearest = static_cast<int>(std::lround(j * 15.0 / 16.0));
            QCOMPARE(views.strip()->row(0).frames[j].pixelColor(0, 0).red(), nearest * 16);
        }
        QCOMPARE(views.lambdaPlot()->seriesCount(), 1);
    }

    // The spacetime geodesic alone: its strip and its curve points, the same frames as
    // `geodesic-cli spacetime images` with the same options; cancel keeps the result; export writes
    // the CLI's files.
    void theSpacetimeGeodesicAloneEqualsTheCli() {
        geo::ImageRunOptions s = mode_->settings();
        s.geometry = geo::Geometry::Spacetime;
        mode_->setSettings(s);
        QVERIFY(mode_->run());
        QVERIFY(waitRun(*mode_));
        const ImageViews* v = mode_->views();
        QCOMPARE(v->strip()->rowCount(), 2);
        QVERIFY(v->strip()->row(1).label.contains("curve points"));
        QVERIFY(!v->densityPlot()->isVisible() && v->lambdaPlot()->isVisible());
        const ImageRunResultPtr r = mode_->result();
        QVERIFY(!r->path && r->spacetime);

        const QString cli = qEnvironmentVariable("GEODESIC_CLI");
        if (cli.isEmpty()) QSKIP("GEODESIC_CLI is not set");
        QProcess p;
        p.start(cli, {"spacetime", "images", dir_.filePath("scene_0.png"), dir_.filePath("scene_1.png"), "--out", dir_.filePath("stcli"), "--points",
                      "5", "--steps", "12", "--seed", QString::number(s.density.seed)});
        QVERIFY(p.waitForFinished(300000));
        QVERIFY2(p.exitCode() == 0, p.readAllStandardError().constData());
        for (int i = 0; i < r->spacetime->means.size(); ++i) {
            const QImage fromCli(dir_.filePath(QString("stcli/frame_%1.png").arg(i, 3, 10, QChar('0'))));
            QCOMPARE(r->spacetime->means[i].convertToFormat(QImage::Format_RGB888), fromCli.convertToFormat(QImage::Format_RGB888));
        }
        // … and as `geodesic-cli interpolate --geometry spacetime` writes them.
        QProcess ip;
        ip.start(cli, QStringList{"interpolate", dir_.filePath("scene_0.png"), dir_.filePath("scene_1.png"), "--out", dir_.filePath("cli-spacetime")} +
                          cliFlags(mode_->settings()));
        QVERIFY(ip.waitForFinished(300000));
        QVERIFY2(ip.exitCode() == 0, ip.readAllStandardError().constData());
        COMPARE_FRAMES(r->spacetime->means, dir_.filePath("cli-spacetime"));

        // Cancel in the middle of a spacetime solve: the worker stops, the last result stays.
        s.spacetimeSteps = 400;
        mode_->setSettings(s);
        QVERIFY(runFresh(*mode_));
        QTRY_VERIFY_WITH_TIMEOUT(mode_->views()->numbersText().contains("Spacetime geodesic</b> pair"), 60000);
        QElapsedTimer t;
        t.start();
        mode_->cancel();
        while (service_->isBusy(ModelService::Slot::ImagePath) && t.elapsed() < 5000) QThread::msleep(1);
        qInfo("the spacetime solve stopped %lld ms after cancel", t.elapsed());
        QVERIFY(t.elapsed() < 1000);  // one step's network passes at most
        QCOMPARE(mode_->result(), r);

        ImageExportRequest e;
        e.folder = dir_.filePath("stexport");
        e.gif = true;
        QSignalSpy done(mode_.get(), &ImageMode::exportFinished);
        QVERIFY(mode_->exportResult(e));
        QVERIFY(done.wait(60000));
        QVERIFY2(done.front().front().toBool(), qPrintable(done.front().at(1).toString()));
        for (const char* f : {"/frame_004.png", "/noisy/frame_000.png", "/strip.png", "/points.safetensors", "/spacetime.json", "/spacetime.gif"})
            QVERIFY2(QFile::exists(e.folder + f), f);
        QFile json(e.folder + "/spacetime.json");
        QVERIFY(json.open(QIODevice::ReadOnly));
        const QJsonObject j = QJsonDocument::fromJson(json.readAll()).object();
        QCOMPARE(j["images"].toArray().size(), 2);
        QVERIFY(j["images"].toArray()[1].toString().endsWith("scene_1.png"));
        QCOMPARE(j["edit_distance"].toDouble(), r->spacetime->editDistance);
        s.geometry = geo::Geometry::Density;
        s.spacetimeSteps = 200;
        mode_->setSettings(s);
    }

    // A text-conditioned model (the tiny Stable Diffusion of the fixtures): each keyframe's caption
    // becomes its prompt, edited in place, and the run conditions on them (published solver, jitter).
    void textModelsTakeAPromptPerKeyframe() {
        if (qEnvironmentVariable("GEODESIC_FIXTURES").isEmpty()) QSKIP("GEODESIC_FIXTURES is not set");
        QTemporaryDir sd;
        assembleTinySd(sd.path().toStdString());
        service_->load(sd.path(), "cpu", "float32");
        QVERIFY(waitForModel(*service_));
        QVERIFY(service_->current().textConditioned);
        QCOMPARE(mode_->settings().density.solver.method, geo::LatentBvpMethod::Published);  // the model's defaults arrived
        QCOMPARE(mode_->settings().density.jitterRange, 100);
        mode_->setSettings(shortRun(mode_->settings()));
        widgets::KeyframeBar* bar = mode_->keyframeBar();
        QVERIFY(bar->item(0)->flags() & Qt::ItemIsEditable);
        bar->item(0)->setText("a red cube");  // what editing the caption does
        bar->item(1)->setText("a green sphere");
        QCOMPARE(bar->prompt(bar->order()[0]), QString("a red cube"));
        QVERIFY(mode_->run());
        QVERIFY(waitRun(*mode_));
        QCOMPARE(mode_->result()->frames.size(), 5);
        QCOMPARE(mode_->result()->frames.front().size(), QSize(64, 64));

        // The spacetime geodesic through the same text model (double backward through its UNet),
        // conditioned on each pair's first caption.
        geo::ImageRunOptions st = mode_->settings();
        st.geometry = geo::Geometry::Spacetime;
        st.spacetimeSteps = 2;
        mode_->setSettings(st);
        QVERIFY(mode_->run());
        QVERIFY(waitRun(*mode_));
        QVERIFY(mode_->result()->spacetime && !mode_->result()->path);
        QCOMPARE(mode_->result()->spacetime->means.size(), 5);
        QVERIFY(std::isfinite(mode_->result()->spacetime->editDistance) && mode_->result()->spacetime->backward > 0);
    }

    // Closing the window in the middle of a run and of a sample stops both cleanly (the modes cancel
    // their jobs on a service that outlives them).
    void closingTheWindowMidRunIsClean() {
        auto w = std::make_unique<MainWindow>();
        w->show();  // the image mode is the first tab: showing it loads the shipped model
        QVERIFY(waitForModel(*w->modelService()));
        ImageMode* mode = w->images();
        mode->addScenes(2);
        QVERIFY(mode->run());
        QVERIFY(mode->addSample());
        QTRY_VERIFY_WITH_TIMEOUT(!mode->views()->levelsSeen().isEmpty(), 60000);
        QElapsedTimer t;
        t.start();
        w.reset();
        QVERIFY2(t.elapsed() < 2000, qPrintable(QString("closing took %1 ms").arg(t.elapsed())));
    }

private:
    QTemporaryDir dir_;
    std::unique_ptr<ModelService> service_;
    std::unique_ptr<ImageMode> mode_;
};

QTEST_MAIN(TestImageMode)
#include "test_image_mode.moc"
