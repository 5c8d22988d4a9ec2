// geodesic-explorer: the desktop program.
#include <QApplication>
#include <csignal>
#include <QCommandLineParser>
#include <QTimer>
#include <memory>
#include <optional>
#include <string>

#include "export_dialog.h"
#include "image_mode.h"
#include "main_window.h"
#include "model_panel.h"
#include "toy_mode.h"
#include "video_mode.h"

namespace {

// Grabs the window once it has nothing in flight (one tick later: plots replot on a queued event)
// and quits with the save's status.
void screenshotWhenSettled(MainWindow& w, const QString& file, std::function<bool()> ready) {
    auto* poll = new QTimer(&w);
    auto settled = std::make_shared<bool>(false);
    QObject::connect(poll, &QTimer::timeout, &w, [&w, file, ready, settled, poll] {
        const bool now = w.isUpToDate() && ready();
        if (!now || !*settled) {
            *settled = now;
            return;
        }
        poll->stop();
        const QPixmap image = w.grab();
        if (w.modelPanel()->isVisible()) qInfo("%s", qPrintable(w.modelPanel()->message()));
        QApplication::exit(image.save(file, "PNG") ? 0 : 1);
    });
    poll->start(50);
}

// --video: open it; with run, analyse it once the model is there and the frames are read; then export.
void scriptVideo(MainWindow& w, const QString& path, bool run, const QString& folder, std::shared_ptr<bool> scriptDone) {
    VideoMode* mode = w.video();
    w.showMode(mode);
    *scriptDone = false;
    QObject::connect(mode, &VideoMode::videoOpened, &w, [mode, run, scriptDone](bool ok, const QString& message) {
        if (!ok) {
            qCritical("%s", qPrintable(message));
            return QApplication::exit(2);
        }
        if (!run || !mode->run()) *scriptDone = true;
    });
    QObject::connect(mode, &VideoMode::runFinished, &w, [mode, folder, scriptDone](bool completed) {
        if (!completed || folder.isEmpty() || !mode->exportResult(folder)) *scriptDone = true;
    });
    QObject::connect(mode, &VideoMode::exportFinished, &w, [scriptDone](bool ok, const QString& message) {
        if (!ok) qCritical("%s", qPrintable(message));
        else qInfo("%s", qPrintable(message));
        *scriptDone = true;
    });
    if (path == "scene") mode->openSceneVideo(1000000000ULL);
    else mode->openVideo(path);
}

// Takes "--geometry G" (or "--geometry=G") out of argv before QApplication sees it: on X11, Qt reads
// -geometry / --geometry as the window's size and position and removes it, so the image mode's
// option never reached the parser there.
std::optional<QString> takeGeometryOption(int& argc, char** argv) {
    std::optional<QString> value;
    int kept = 1;
    for (int i = 1; i < argc; ++i) {
        const std::string a = argv[i];
        if ((a == "--geometry" || a == "-geometry") && i + 1 < argc) value = QString::fromLocal8Bit(argv[++i]);
        else if (a.rfind("--geometry=", 0) == 0) value = QString::fromLocal8Bit(a.substr(11).c_str());
        else argv[kept++] = argv[i];
    }
    argc = kept;
    argv[argc] = nullptr;
    return value;
}

}  // namespace

int main(int argc, char** argv) {
    std::signal(SIGXFSZ, SIG_IGN);  // past a file size limit, exports fail with a message instead of killing the program
    const std::optional<QString> geometryValue = takeGeometryOption(argc, argv);
    QApplication app(argc, argv);
    QApplication::setApplicationName("Geodesic Explorer");
    QApplication::setOrganizationName("Geodesic Explorer");
    QApplication::setApplicationVersion(GEODESIC_VERSION);
    QCommandLineParser args;
    args.setApplicationDescription("Explore density and spacetime geodesics in toy densities and between images through a diffusion model.");
    args.addHelpOption();
    args.addVersionOption();
    QCommandLineOption preset("preset", "Start on this toy preset.", "name", "figure1");
    QCommandLineOption field("field", "Start on this field JSON file.", "file");
    QCommandLineOption metric("metric", "Start with this metric: density, spacetime or euclidean.", "name", "density");
    QCommandLineOption constraint("constraint", "Transition-path constraint of the spacetime Müller–Brown view: none, low-variance or avoid.", "name", "none");
    QCommandLineOption shot("screenshot", "Save the window as PNG once everything asked for is drawn, then quit.", "file");
    QCommandLineOption model("model", "Load this model: \"shipped\", a Stable Diffusion folder or .safetensors file.", "path");
    QCommandLineOption device("device", "Run the model on auto, cpu or cuda.", "name", "auto");
    QCommandLineOption dtype("dtype", "Run the model in auto (per network: bfloat16 for Stable Diffusion on CPUs with bfloat16 units, float16 on CUDA, float32 otherwise), float32, bfloat16 or float16 (CUDA).", "name", "auto");
    QCommandLineOption prompt("prompt", "Prompt of a text-conditioned model (the model panel's sample).", "text");
    QCommandLineOption sample("sample", "Draw one sample in the model panel once the model is loaded.");
    QCommandLineOption images("images", "Open the image mode with the images given as arguments (two or more) as keyframes.");
    QCommandLineOption video("video", "Open the video mode on this video file, folder of frames or path JSON (\"scene\": a generated scene video).", "path");
    QCommandLineOption run("run", "With --images: interpolate them once the model is loaded; with --video: analyse it.");
    QCommandLineOption exportDir("export", "With --run: export the finished path or analysis (frames, strip, GIF or plot, JSON) into this folder.", "folder");
    QCommandLineOption geometry("geometry", "With --images: density (default), spacetime or both.", "geometry", "density");
    QCommandLineOption previewShots("preview-screenshots", "With --images --run: save the window as PREFIX-NN.png each time a preview is drawn (at most 40).", "prefix");
    args.addOptions({preset, field, metric, constraint, shot, model, device, dtype, prompt, sample, images, video, run, exportDir, geometry, previewShots});
    args.addPositionalArgument("images", "Keyframe images, with --images.", "[IMAGE ...]");
    args.process(app);

    MainWindow w;
    ToyMode* toy = w.toy();
    const QStringList metrics{"density", "spacetime", "euclidean"};
    if (!metrics.contains(args.value(metric))) {
        qCritical("unknown metric \"%s\" (known: density, spacetime, euclidean)", qPrintable(args.value(metric)));
        return 2;
    }
    if ((args.isSet(run) || args.isSet(exportDir)) && args.isSet(images) == args.isSet(video)) {
        qCritical("--run and --export need either --images or --video");
        return 2;
    }
    toy->setMetric(ToyMode::Metric(metrics.indexOf(args.value(metric))));
    if (args.isSet(preset) || args.isSet(field) || args.isSet(metric) || args.isSet(constraint)) w.showMode(toy);
    try {
        if (args.isSet(constraint)) toy->spacetime()->setConstraint(geo::parseTpsConstraint(args.value(constraint).toStdString()));
    } catch (const std::exception& e) {
        qCritical("%s", e.what());
        return 2;
    }
    if (args.isSet(field) && !toy->loadFieldFile(args.value(field))) return 2;
    if (args.isSet(preset)) {
        try {
            toy->loadPreset(args.value(preset));
        } catch (const std::exception& e) {
            qCritical("%s", e.what());
            return 2;
        }
    }
    auto scriptDone = std::make_shared<bool>(true);
    if (args.isSet(model)) {
        const QString path = args.value(model) == "shipped" ? QString() : args.value(model);
        if (!args.isSet(images) && !args.isSet(video)) w.showModelPanel();
        if (args.isSet(prompt)) w.modelPanel()->setPrompt(args.value(prompt));
        w.modelPanel()->loadModel(path, args.value(device), args.value(dtype));
        if (args.isSet(sample)) {
            *scriptDone = false;
            QObject::connect(w.modelPanel(), &ModelPanel::idle, &w, [&w, scriptDone] {
                if (*scriptDone || w.modelService()->isLoading()) return;
                if (!w.modelService()->hasModel() || !w.modelPanel()->preview().isNull() || !w.modelPanel()->sample()) *scriptDone = true;
            });
        }
    }
    if (args.isSet(images)) {
        ImageMode* mode = w.images();
        w.showMode(mode);
        if (args.positionalArguments().size() < 2) {
            qCritical("--images needs two or more image files");
            return 2;
        }
        // A file that cannot be read ends the program with its reason, as on the command line.
        QObject::connect(mode, &ImageMode::imagesAdded, &w, [](int, const QStringList& failures) {
            if (failures.isEmpty()) return;
            qCritical("%s", qPrintable(failures.join("\n")));
            QApplication::exit(2);
        });
        geo::ImageRunOptions settings = mode->settings();
        try {
            settings.geometry = geo::parseGeometry(geometryValue.value_or(args.value(geometry)).toStdString());
        } catch (const std::exception& e) {
            qCritical("--geometry: %s", e.what());
            return 2;
        }
        mode->setSettings(settings);
        mode->addImageFiles(args.positionalArguments());
        if (args.isSet(run)) {
            *scriptDone = false;
            // Runs once a model is there (the one asked for, or the one the mode loads when shown).
            auto started = std::make_shared<bool>(false);
            auto start = [&w, mode, started, scriptDone] {
                if (*started || !w.modelService()->hasModel() || w.modelService()->isLoading() || mode->keyframeCount() < 2) return;
                *started = true;
                if (!mode->run()) *scriptDone = true;
            };
            QObject::connect(w.modelService(), &ModelService::loaded, &w, start);
            QObject::connect(mode, &ImageMode::imagesAdded, &w, start);
            QObject::connect(w.modelService(), &ModelService::loadFailed, &w, [scriptDone] { *scriptDone = true; });
            QTimer::singleShot(0, &w, start);
            if (args.isSet(previewShots)) {
                auto count = std::make_shared<int>(0);
                QObject::connect(mode, &ImageMode::previewDrawn, &w, [&w, count, prefix = args.value(previewShots)](int, int) {
                    if (*count >= 40) return;
                    w.grab().save(QString("%1-%2.png").arg(prefix).arg((*count)++, 2, 10, QChar('0')));
                });
            }
            const QString folder = args.value(exportDir);
            QObject::connect(mode, &ImageMode::runFinished, &w, [mode, folder, scriptDone](bool completed) {
                if (!completed || folder.isEmpty()) return void(*scriptDone = true);
                ImageExportRequest r = ExportDialog::remembered();
                r.folder = folder;
                if (!mode->exportResult(r)) *scriptDone = true;
            });
            QObject::connect(mode, &ImageMode::exportFinished, &w, [scriptDone](bool ok, const QString& message) {
                if (!ok) qCritical("%s", qPrintable(message));
                else qInfo("%s", qPrintable(message));
                *scriptDone = true;
            });
        }
    }
    if (args.isSet(video)) scriptVideo(w, args.value(video), args.isSet(run), args.value(exportDir), scriptDone);
    w.show();
    if (args.isSet(shot)) screenshotWhenSettled(w, args.value(shot), [scriptDone] { return *scriptDone; });
    return app.exec();
}
