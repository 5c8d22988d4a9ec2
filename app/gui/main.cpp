// geodesic-explorer: the desktop program.
#include <QApplication>
#include <QCommandLineParser>
#include <QTimer>
#include <memory>

#include "main_window.h"

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
    args.addOptions({preset, field, metric, constraint, shot});
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
    if (args.isSet(shot)) {
        auto* poll = new QTimer(&w);
        auto settled = std::make_shared<bool>(false);
        QObject::connect(poll, &QTimer::timeout, &w, [&, settled] {
            // Grab one tick after the result arrived: the plots replot on a queued event.
            const bool ready = w.isUpToDate();
            if (!ready || !*settled) {
                *settled = ready;
                return;
            }
            const QPixmap image = w.grab();
            QApplication::exit(image.save(args.value(shot), "PNG") ? 0 : 1);
        });
        poll->start(50);
    }
    return app.exec();
}
