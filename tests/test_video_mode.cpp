// The video mode as a user meets it, offscreen with the shipped model: a scene video or a dropped
// folder of frames opens (undoably; a bad path says why and keeps the shown video); an analysis shows
// the optimisation live, then every path's residual against t, the video's strip above the optimised
// one and a verdict, with exactly the numbers geodesic-cli video-analysis writes for the same frames
// and options (the GUI calls the same core function; both are deterministic, so the comparison is
// exact up to printing); cancel frees the slot within 100 ms and keeps the last analysis; changing an
// option re-runs; export writes frames, strip, JSON and plot, or nothing.
#include <QDropEvent>
#include <QElapsedTimer>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QMimeData>
#include <QProcess>
#include <QSignalSpy>
#include <QTableWidget>
#include <QTemporaryDir>
#include <QtTest>

#include "frame_strip/frame_strip.h"
#include "io/image_io.h"
#include "line_plot/line_plot.h"
#include "model_service_wait.h"
#include "scenes/scene.h"
#include "video_mode.h"
#include "video_views.h"

namespace {

bool waitRun(VideoMode& mode, int timeoutMs = 120000) {
    QSignalSpy done(&mode, &VideoMode::runFinished);
    return done.wait(timeoutMs) && done.front().front().toBool();
}

QJsonObject readJson(const QString& path) {
    QFile f(path);
    if (!f.open(QIODevice::ReadOnly)) return {};
    return QJsonDocument::fromJson(f.readAll()).object();
}

}  // namespace

class TestVideoMode : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void initTestCase() {
        QStandardPaths::setTestModeEnabled(true);
        service_ = std::make_unique<ModelService>();
        service_->load({});
        mode_ = std::make_unique<VideoMode>(service_.get());
        mode_->resize(1300, 800);
        mode_->show();
        QVERIFY(QTest::qWaitForWindowExposed(mode_.get()));
        QVERIFY(waitForModel(*service_));
        // A scene video as frames on disk, as `geodesic-cli scenes --video` writes them.
        QVERIFY(QDir().mkpath(dir_.filePath("video")));
        const std::vector<geo::RgbImage> frames = geo::renderSceneVideo(1000000000ULL, 8, 64);
        for (size_t i = 0; i < frames.size(); ++i)
            geo::writePng(dir_.filePath(QString("video/frame_%1.png").arg(i, 3, 10, QChar('0'))).toStdString(), frames[i]);
    }
    void cleanupTestCase() {
        mode_.reset();
        service_.reset();
    }

    void opensUndoablyAndRefusesBadInput() {
        QSignalSpy opened(mode_.get(), &VideoMode::videoOpened);
        mode_->openSceneVideo(5, 12);
        QVERIFY(opened.wait(10000));
        QVERIFY(opened.back().at(0).toBool());
        QCOMPARE(mode_->video().images.size(), 12);
        QCOMPARE(mode_->views()->strip()->rowCount(), 1);

        // A folder dropped from a file manager replaces it; undo brings the scene video back.
        QMimeData data;
        data.setUrls({QUrl::fromLocalFile(dir_.filePath("video"))});
        QDragEnterEvent enter(QPoint(10, 10), Qt::CopyAction, &data, Qt::LeftButton, Qt::NoModifier);
        QApplication::sendEvent(mode_.get(), &enter);
        QDropEvent drop(QPoint(10, 10), Qt::CopyAction, &data, Qt::LeftButton, Qt::NoModifier);
        QApplication::sendEvent(mode_.get(), &drop);
        QVERIFY(opened.wait(10000));
        QCOMPARE(mode_->video().images.size(), 8);
        mode_->undoStack()->undo();
        QCOMPARE(mode_->video().images.size(), 12);
        mode_->undoStack()->redo();
        QCOMPARE(mode_->video().images.size(), 8);

        // A path that is not there, and a folder with too few frames: said, and the video stays.
        mode_->openVideo(dir_.filePath("missing"));
        QVERIFY(opened.wait(10000));
        QVERIFY(!opened.back().at(0).toBool());
        QVERIFY(mode_->statusText().contains("missing"));
        QVERIFY(QDir().mkpath(dir_.filePath("two")));
        for (int i = 0; i < 2; ++i) geo::writePng(dir_.filePath(QString("two/%1.png").arg(i)).toStdString(), geo::renderScene(geo::randomScene(i), 64));
        mode_->openVideo(dir_.filePath("two"));
        QVERIFY(opened.wait(10000));
        QVERIFY(!opened.back().at(0).toBool());
        QVERIFY(mode_->statusText().contains("3 or more"));
        QCOMPARE(mode_->video().images.size(), 8);
    }

    void analysisIsLiveAndEqualsTheCli() {
        VideoAnalysisSettings s = mode_->settings();
        s.iterations = 60;
        s.minIterations = 20;
        s.seed = 4;
        mode_->setSettings(s);
        int liveCurves = 0;
        QMetaObject::Connection watch = connect(service_.get(), &ModelService::jobSnapshot, this, [&] {
            liveCurves = std::max(liveCurves, mode_->views()->optimisationPlot()->seriesCount() > 0 ? mode_->views()->optimisationPlot()->graph(0)->dataCount() : 0);
        });
        QVERIFY(mode_->run());
        QVERIFY(waitRun(*mode_));
        disconnect(watch);
        QVERIFY2(liveCurves >= 2, "the optimisation's curve grows while it runs");
        const VideoAnalysisResultPtr r = mode_->result();
        QVERIFY(r);
        QCOMPARE(r->paths.size(), 7);  // video, optimised, three perturbed, smoothed, slerp
        QCOMPARE(mode_->views()->residualPlot()->seriesCount(), 7);
        QCOMPARE(mode_->views()->table()->rowCount(), 7);
        QCOMPARE(mode_->views()->strip()->rowCount(), 2);
        QCOMPARE(mode_->views()->strip()->row(1).frames.size(), 8);
        QVERIFY(mode_->views()->verdict().contains(r->verdict.left(30).toHtmlEscaped()));

        const QString cli = qEnvironmentVariable("GEODESIC_CLI");
        if (cli.isEmpty()) QSKIP("GEODESIC_CLI is not set");
        QProcess p;
        p.start(cli, {"video-analysis", dir_.filePath("video"), "--json", dir_.filePath("cli.json"), "--iterations", "60", "--min-iterations", "20", "--seed", "4"});
        QVERIFY(p.waitForFinished(300000));
        QVERIFY2(p.exitCode() == 0, p.readAllStandardError().constData());
        const QJsonObject j = readJson(dir_.filePath("cli.json"));
        const QJsonArray paths = j["paths"].toArray();
        QCOMPARE(paths.size(), r->paths.size());
        for (int i = 0; i < paths.size(); ++i) {
            const QJsonObject pj = paths[i].toObject();
            QCOMPARE(pj["name"].toString(), r->paths[i].name);
            // JSON carries doubles to 17 significant digits: equal up to the last bit's printing.
            QVERIFY2(qAbs(pj["mean_residual"].toDouble() - r->paths[i].meanResidual) <= 1e-12 * qAbs(r->paths[i].meanResidual),
                     qPrintable(QString("%1: CLI %2, GUI %3").arg(r->paths[i].name).arg(pj["mean_residual"].toDouble()).arg(r->paths[i].meanResidual)));
        }
        QCOMPARE(j["optimisation"].toObject()["iterations"].toInt(), r->iterations);
    }

    void cancelIsQuickAndKeepsTheAnalysis() {
        const VideoAnalysisResultPtr before = mode_->result();
        QVERIFY(before);
        VideoAnalysisSettings s = mode_->settings();
        s.iterations = 2000;
        s.minIterations = 2000;  // long enough to be caught optimising
        mode_->setSettings(s);
        QTRY_VERIFY_WITH_TIMEOUT(mode_->isRunning(), 5000);  // the option change re-runs the shown analysis
        QTRY_VERIFY_WITH_TIMEOUT(mode_->views()->optimisationPlot()->seriesCount() > 0, 60000);
        QElapsedTimer t;
        t.start();
        mode_->cancel();
        while (service_->isBusy(ModelService::Slot::VideoAnalysis) && t.elapsed() < 5000) QThread::msleep(1);
        const qint64 ms = t.elapsed();
        QVERIFY2(ms < 100, qPrintable(QString("the worker took %1 ms to stop").arg(ms)));
        QCOMPARE(mode_->result(), before);
        QCOMPARE(mode_->views()->table()->rowCount(), 7);  // the last analysis is shown again
        QVERIFY(mode_->statusText().contains("last complete analysis"));
    }

    void exportWritesEverythingOrNothing() {
        QSignalSpy exported(mode_.get(), &VideoMode::exportFinished);
        QVERIFY(mode_->exportResult(dir_.filePath("out")));
        QVERIFY(exported.wait(30000));
        QVERIFY2(exported.back().at(0).toBool(), qPrintable(exported.back().at(1).toString()));
        for (const char* f : {"analysis.json", "residual.png", "strip.png", "frame_000.png", "frame_007.png", "optimised/frame_007.png"})
            QVERIFY2(QFile::exists(dir_.filePath(QString("out/") + f)), f);
        QCOMPARE(readJson(dir_.filePath("out/analysis.json"))["paths"].toArray().size(), 7);
        const QImage strip(dir_.filePath("out/strip.png"));
        QVERIFY2(strip.height() >= 2 * 64 && strip.height() < 3 * 64, "two rows of 64 px frames (with the tiling's gaps)");

        // A target below a file cannot be made: a message, and nothing written anywhere.
        QFile blocker(dir_.filePath("blocker"));
        QVERIFY(blocker.open(QIODevice::WriteOnly));
        blocker.close();
        QVERIFY(mode_->exportResult(dir_.filePath("blocker/out")));
        QVERIFY(exported.wait(30000));
        QVERIFY(!exported.back().at(0).toBool());
        QVERIFY(exported.back().at(1).toString().contains("nothing was written"));
        QVERIFY(!QFileInfo::exists(dir_.filePath("blocker/out")));
    }

private:
    QTemporaryDir dir_;
    std::unique_ptr<ModelService> service_;
    std::unique_ptr<VideoMode> mode_;
};

QTEST_MAIN(TestVideoMode)
#include "test_video_mode.moc"
