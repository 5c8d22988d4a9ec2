// bench-gui: how long the GUI thread stalls while the image and video modes work. A 5 ms timer on the
// GUI thread records the longest gap between its ticks during a model load, a run (two scenes, the
// shipped model, default options, then both geometries), an export (frames, strip, GIF, JSON) and a
// video analysis (a 16-frame scene video) with its export, and in the toy mode a 3-second 60 Hz drag of
// a handle under the density and the spacetime metric and a PNG export; the target is 50 ms. Also how
// long Cancel takes to free the worker in the middle of each kind of job (target 100 ms).
// Prints the median and the worst over --runs repetitions. With --shots DIR it also saves the
// screenshots of the README (mid-run, both geometries mid-run, finished, a three-image chain, the
// export dialog).
#include <QApplication>
#include <QCommandLineParser>
#include <QDir>
#include <QElapsedTimer>
#include <QMouseEvent>
#include <QTemporaryDir>
#include <QThread>
#include <QTimer>
#include <algorithm>
#include <cmath>
#include <cstdio>

#include "export_dialog.h"
#include "image_mode.h"
#include "image_views.h"
#include "main_window.h"
#include "scenes/painted_scene.h"
#include "scenes/scene.h"
#include "mouse_event.h"
#include "toy_mode.h"
#include "video_mode.h"

namespace {

// The longest gap between ticks of a 5 ms timer while `busy` holds, in ms.
class StallProbe {
public:
    StallProbe() {
        timer_.setInterval(5);
        QObject::connect(&timer_, &QTimer::timeout, [this] {
            longest_ = std::max(longest_, clock_.restart());
        });
    }
    void skip() { clock_.restart(); }  // the caller's own work (a screenshot) is not a stall
    double measure(const std::function<void()>& start, const std::function<bool()>& busy) {
        longest_ = 0;
        clock_.start();
        timer_.start();
        start();
        while (busy()) QCoreApplication::processEvents(QEventLoop::WaitForMoreEvents, 5);
        timer_.stop();
        return static_cast<double>(longest_);
    }

private:
    QTimer timer_;
    QElapsedTimer clock_;
    qint64 longest_ = 0;
};

void wait(int ms) {
    QElapsedTimer t;
    t.start();
    while (t.elapsed() < ms) QCoreApplication::processEvents(QEventLoop::AllEvents, 10);
}

// A hand on the mouse: presses on A, moves it round a circle every 16 ms for 3 s, releases. Driven by
// a timer, so the probe's event loop runs in between; busy until the last move's solve is drawn.
double dragStall(StallProbe& probe, ToyMode* toy) {
    widgets::FieldView* view = toy->fieldView();
    const QPointF centre = view->pixelOf(view->handlePosition(widgets::Handle::A)) + QPointF(40, 0);
    auto at = [centre](int k) { return centre + QPointF(-std::cos(k * 0.05) * 40, std::sin(k * 0.05) * 40); };
    QTimer moves;
    moves.setInterval(16);
    int k = 0;
    QElapsedTimer clock;
    QObject::connect(&moves, &QTimer::timeout, [&] {
        if (clock.elapsed() < 3000) return mouse(view, QEvent::MouseMove, at(++k), Qt::LeftButton);
        mouse(view, QEvent::MouseButtonRelease, at(k), Qt::NoButton);
        moves.stop();
    });
    return probe.measure(
        [&] {
            clock.start();
            mouse(view, QEvent::MouseButtonPress, at(0), Qt::LeftButton);
            moves.start();
        },
        [&] { return moves.isActive() || !toy->isUpToDate(); });
}

QString summary(std::vector<double> v, int digits = 0) {
    QStringList each;
    for (double x : v) each << QString::number(x, 'f', digits);
    std::sort(v.begin(), v.end());
    return QString("median %1 ms, worst %2 ms over %3 (%4)").arg(v[v.size() / 2], 0, 'f', digits).arg(v.back(), 0, 'f', digits).arg(v.size()).arg(each.join(", "));
}

}  // namespace

int main(int argc, char** argv) {
    QApplication app(argc, argv);
    QApplication::setOrganizationName("Geodesic Explorer bench");
    QCommandLineParser args;
    QCommandLineOption runs("runs", "Repetitions.", "n", "3"), shots("shots", "Save README screenshots into this folder.", "dir");
    args.addOptions({runs, shots});
    args.process(app);
    const int n = std::max(1, args.value(runs).toInt());
    QTemporaryDir dir;
    QStringList files;
    for (int i = 0; i < 2; ++i) {
        files << dir.filePath(QString("scene_%1.png").arg(i));
        geo::writePng(files.back().toStdString(), geo::renderScene(geo::randomScene(7 + i), 256));
    }
    files << dir.filePath("painted.png");
    geo::writePng(files.back().toStdString(), geo::renderPaintedScene(3, 320));
    const QString photo = dir.filePath("large.png");  // 9 MP, a photo's size
    geo::writePng(photo.toStdString(), geo::renderScene(geo::randomScene(11), 3000));

    MainWindow w;
    ImageMode* mode = w.images();
    ModelService* service = w.modelService();
    w.show();
    StallProbe probe;
    std::vector<double> load, run, exported;
    auto loaded = [service] { return !(service->hasModel() && !service->isLoading()); };
    load.push_back(probe.measure([&] { w.showMode(mode); }, loaded));  // showing the mode loads the shipped model
    for (int i = 1; i < n; ++i) load.push_back(probe.measure([&] { service->load({}); }, loaded));
    std::vector<double> reading;
    reading.push_back(probe.measure([&] { mode->addImageFiles(files.mid(0, 2)); }, [&] { return !mode->isUpToDate(); }));
    const QString shotDir = args.value(shots);
    for (int i = 0; i < n; ++i) {
        bool midShot = i == 0 && !shotDir.isEmpty();
        run.push_back(probe.measure([&] { mode->run(); }, [&] {
            if (midShot && mode->views()->previewLevels().contains(2)) {
                w.grab().save(shotDir + "/image-mode-running.png");
                probe.skip();
                midShot = false;
            }
            return mode->isRunning();
        }));
        const QString out = dir.filePath(QString("export%1").arg(i));
        ImageExportRequest r;
        r.folder = out;
        exported.push_back(probe.measure([&] { mode->exportResult(r); }, [&] { return !mode->isUpToDate(); }));
    }
    // Both geometries: the density run, then the spacetime solve with its live λ and previews.
    std::vector<double> both;
    geo::ImageRunOptions settings = mode->settings();
    settings.geometry = geo::Geometry::Both;
    mode->setSettings(settings);
    for (int i = 0; i < n; ++i) {
        settings.density.seed = 1000 + i;  // solved afresh, not taken from the keyframe cache
        mode->setSettings(settings);
        bool midShot = i == 0 && !shotDir.isEmpty();
        both.push_back(probe.measure([&] { mode->run(); }, [&] {
            if (midShot && mode->views()->spacetimePreviewsShown() >= 2 && mode->views()->numbersText().contains("Spacetime geodesic</b>")) {
                w.grab().save(shotDir + "/image-mode-both-running.png");
                probe.skip();
                midShot = false;
            }
            return mode->isRunning();
        }));
    }
    settings.geometry = geo::Geometry::Density;
    settings.density.seed = 0;
    mode->setSettings(settings);
    if (!shotDir.isEmpty()) {
        QDir().mkpath(shotDir);
        mode->run();
        while (mode->isRunning()) QCoreApplication::processEvents(QEventLoop::WaitForMoreEvents, 20);
        wait(300);
        w.grab().save(shotDir + "/image-mode-two-scenes.png");
        mode->addImageFiles({files[2]});
        while (!mode->isUpToDate()) QCoreApplication::processEvents(QEventLoop::WaitForMoreEvents, 20);
        mode->run();
        while (mode->isRunning()) QCoreApplication::processEvents(QEventLoop::WaitForMoreEvents, 20);
        wait(300);
        w.grab().save(shotDir + "/image-mode-chain.png");
        ExportDialog d(&w);
        d.show();
        wait(200);
        d.grab().save(shotDir + "/export-dialog.png");
    }
    // Each addition re-runs the shown path (and so does its undo): the run is part of what is measured.
    for (int i = 0; i < n; ++i) {
        reading.push_back(probe.measure([&] { mode->addImageFiles({photo}); }, [&] { return !mode->isUpToDate(); }));
        mode->undoStack()->undo();
    }
    // The video mode: a 16-frame scene video analysed, and Cancel in the middle of each kind of job.
    VideoMode* video = w.video();
    w.showMode(video);
    video->openSceneVideo(1000000000ULL);
    while (!video->isUpToDate() || !video->video().frames) QCoreApplication::processEvents(QEventLoop::WaitForMoreEvents, 20);
    std::vector<double> analysis, cancelRun, cancelBoth, cancelVideo;
    for (int i = 0; i < n; ++i) {
        VideoAnalysisSettings vs = video->settings();
        vs.seed = static_cast<quint64>(i);
        video->setSettings(vs);
        analysis.push_back(probe.measure([&] { video->run(); }, [&] { return video->isRunning(); }));
    }
    std::vector<double> videoExport;
    for (int i = 0; i < n; ++i)
        videoExport.push_back(probe.measure([&] { video->exportResult(dir.filePath(QString("video-export%1").arg(i))); }, [&] { return !video->isUpToDate(); }));

    // The toy mode: drags under the density and the spacetime metric, and a PNG export.
    ToyMode* toy = w.toy();
    w.showMode(toy);
    std::vector<double> dragDensity, dragSpacetime, toyExport;
    for (ToyMode::Metric metric : {ToyMode::Metric::Density, ToyMode::Metric::Spacetime}) {
        toy->setMetric(metric);
        toy->loadPreset("figure1");
        while (!toy->isUpToDate()) QCoreApplication::processEvents(QEventLoop::WaitForMoreEvents, 20);
        for (int i = 0; i < n; ++i) (metric == ToyMode::Metric::Density ? dragDensity : dragSpacetime).push_back(dragStall(probe, toy));
    }
    for (int i = 0; i < n; ++i)  // the view is grabbed on the GUI thread, encoded and written off it
        toyExport.push_back(probe.measure([&] { toy->exportPng(dir.filePath(QString("toy%1.png").arg(i))); }, [] { return false; }));

    // ms from Cancel until the slot's worker is free, `after` ms into a job.
    auto cancelLatency = [&](const std::function<void()>& start, const std::function<void()>& cancel, ModelService::Slot slot, int after) {
        start();
        wait(after);
        QElapsedTimer t;
        t.start();
        cancel();
        while (service->isBusy(slot) && t.elapsed() < 5000) QThread::usleep(200);
        return static_cast<double>(t.nsecsElapsed()) / 1e6;
    };
    w.showMode(mode);
    for (int i = 0; i < n; ++i) {
        settings.density.seed = 2000 + i;
        settings.geometry = geo::Geometry::Density;
        mode->setSettings(settings);
        cancelRun.push_back(cancelLatency([&] { mode->run(); }, [&] { mode->cancel(); }, ModelService::Slot::ImagePath, 3000));
        settings.density.seed = 3000 + i;
        settings.geometry = geo::Geometry::Both;
        mode->setSettings(settings);
        cancelBoth.push_back(cancelLatency([&] { mode->run(); }, [&] { mode->cancel(); }, ModelService::Slot::ImagePath, 12000));
        cancelVideo.push_back(cancelLatency([&] { video->run(); }, [&] { video->cancel(); }, ModelService::Slot::VideoAnalysis, 1500));
    }
    std::printf("GUI-thread stall (longest gap of a 5 ms timer), shipped model, 2 scenes, default options:\n");
    std::printf("  model load: %s\n  run:        %s\n  export:     %s\n  adding files (two 256 px scenes, then a 3000x3000 PNG): %s\n", qPrintable(summary(load)),
                qPrintable(summary(run)), qPrintable(summary(exported)), qPrintable(summary(reading)));
    std::printf("  run, both geometries: %s\n", qPrintable(summary(both)));
    std::printf("  video analysis (16-frame scene video): %s\n  video export: %s\n", qPrintable(summary(analysis)), qPrintable(summary(videoExport)));
    std::printf("  toy drag, density metric (figure1, 3 s at 60 Hz): %s\n  toy drag, spacetime metric: %s\n  toy PNG export: %s\n",
                qPrintable(summary(dragDensity)), qPrintable(summary(dragSpacetime)), qPrintable(summary(toyExport)));
    std::printf("Cancel until the worker is free: image run after 3 s: %s\n  both geometries after 12 s (spacetime solve): %s\n"
                "  video analysis after 1.5 s: %s\n",
                qPrintable(summary(cancelRun, 1)), qPrintable(summary(cancelBoth, 1)), qPrintable(summary(cancelVideo, 1)));
    return 0;
}
