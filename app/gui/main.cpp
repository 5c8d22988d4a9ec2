// geodesic-explorer: the desktop program.
#include <QApplication>
#include <QCommandLineParser>
#include <QTimer>

#include "main_window.h"

int main(int argc, char** argv) {
    QApplication app(argc, argv);
    QApplication::setApplicationName("Geodesic Explorer");
    QApplication::setApplicationVersion(GEODESIC_VERSION);
    QCommandLineParser args;
    args.setApplicationDescription("Explore density geodesics in 2-D toy densities.");
    args.addHelpOption();
    args.addVersionOption();
    QCommandLineOption preset("preset", "Start on this toy preset.", "name", "figure1");
    QCommandLineOption field("field", "Start on this field JSON file.", "file");
    QCommandLineOption shot("screenshot", "Save the window as PNG once the first solve is drawn, then quit.", "file");
    args.addOptions({preset, field, shot});
    args.process(app);

    MainWindow w;
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
        QObject::connect(poll, &QTimer::timeout, &w, [&] {
            if (!w.isUpToDate()) return;
            const QPixmap image = w.grab();
            QApplication::exit(image.save(args.value(shot), "PNG") ? 0 : 1);
        });
        poll->start(50);
    }
    return app.exec();
}
