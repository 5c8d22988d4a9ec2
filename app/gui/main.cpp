// geodesic-explorer: the desktop program.
#include <QApplication>
#include <QCommandLineParser>
#include <QTimer>
#include <memory>

#include "main_window.h"
#include "model_panel.h"

int main(int argc, char** argv) {
    QApplication app(argc, argv);
    QApplication::setApplicationName("Geodesic Explorer");
    QApplication::setApplicationVersion(GEODESIC_VERSION);
    QCommandLineParser args;
    args.setApplicationDescription("Explore density and spacetime geodesics in toy densities.");
    args.addHelpOption();
    args.addVersionOption();
    QCommandLineOption preset("preset", "Start on this toy preset.", "name", "figure1");
    QCommandLineOption field("field", "Start on this field JSON file.", "file");
    QCommandLineOption metric("metric", "Start with this metric: density, spacetime or euclidean.", "name", "density");
    QCommandLineOption constraint("constraint", "Transition-path constraint of the spacetime Müller–Brown view: none, low-variance or avoid.", "name", "none");
    QCommandLineOption shot("screenshot", "Save the window as PNG once the first solve is drawn, then quit.", "file");
    QCommandLineOption model("model", "Open the model panel on this model: \"shipped\", a Stable Diffusion folder or .safetensors file.", "path");
    QCommandLineOption device("device", "Run the model on auto, cpu or cuda.", "name", "auto");
    QCommandLineOption dtype("dtype", "Run the model in float32, bfloat16 or float16 (CUDA).", "name", "float32");
    QCommandLineOption prompt("prompt", "Prompt of a text-conditioned model.", "text");
    QCommandLineOption sample("sample", "Draw one sample once the model is loaded.");
    args.addOptions({preset, field, metric, constraint, shot, model, device, dtype, prompt, sample});
    args.process(app);

    MainWindow w;
    const QStringList metrics{"density", "spacetime", "euclidean"};
    if (!metrics.contains(args.value(metric))) {
        qCritical("unknown metric \"%s\" (known: density, spacetime, euclidean)", qPrintable(args.value(metric)));
        return 2;
    }
    w.setMetric(MainWindow::Metric(metrics.indexOf(args.value(metric))));
    try {
        if (args.isSet(constraint)) w.spacetime()->setConstraint(geo::parseTpsConstraint(args.value(constraint).toStdString()));
    } catch (const std::exception& e) {
        qCritical("%s", e.what());
        return 2;
    }
    if (args.isSet(field) && !w.loadFieldFile(args.value(field))) return 2;
    if (args.isSet(preset)) {
        try {
            w.loadPreset(args.value(preset));
        } catch (const std::exception& e) {
            qCritical("%s", e.what());
            return 2;
        }
    }
    w.show();
    auto modelPending = std::make_shared<bool>(false);
    if (args.isSet(model)) {
        w.showModelPanel();
        ModelPanel* panel = w.modelPanel();
        if (args.isSet(prompt)) panel->setPrompt(args.value(prompt));
        const QString path = args.value(model) == "shipped" ? QString() : args.value(model);
        panel->loadModel(path, args.value(device), args.value(dtype));
        *modelPending = true;
        auto sampled = std::make_shared<bool>(!args.isSet(sample));
        QObject::connect(panel, &ModelPanel::idle, &w, [panel, modelPending, sampled] {
            if (!*sampled && !panel->current().description.isEmpty()) {
                *sampled = true;
                panel->sample();
                return;
            }
            *modelPending = false;
        });
    }
    if (args.isSet(shot)) {
        auto* poll = new QTimer(&w);
        auto settled = std::make_shared<bool>(false);
        QObject::connect(poll, &QTimer::timeout, &w, [&, settled, poll] {
            // Grab one tick after the result arrived: the plots replot on a queued event.
            const bool ready = w.isUpToDate() && !*modelPending;
            if (!ready || !*settled) {
                *settled = ready;
                return;
            }
            const QPixmap image = w.grab();
            poll->stop();
            if (w.modelPanel()->isVisible()) qInfo("%s", qPrintable(w.modelPanel()->message()));
            QApplication::exit(image.save(args.value(shot), "PNG") ? 0 : 1);
        });
        poll->start(50);
    }
    return app.exec();
}
