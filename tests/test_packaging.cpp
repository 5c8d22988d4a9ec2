// `cpack -G DEB` builds a package that installs both programs, a desktop entry and an icon.
#include <QDir>
#include <QProcess>
#include <QtTest>

class TestPackaging : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void debianPackageHoldsTheProgramsDesktopEntryAndIcon() {
        const QString build = qEnvironmentVariable("GEODESIC_BUILD_DIR");
        QProcess cpack;
        cpack.setWorkingDirectory(build);
        cpack.start(qEnvironmentVariable("CPACK_COMMAND"), {"-G", "DEB", "-B", build + "/package"});
        QVERIFY(cpack.waitForFinished(300000));
        QVERIFY2(cpack.exitCode() == 0, cpack.readAllStandardError().constData());
        const QStringList debs = QDir(build + "/package").entryList({"*.deb"});
        QCOMPARE(debs.size(), 1);

        QProcess list;
        list.start("dpkg-deb", {"--contents", build + "/package/" + debs[0]});
        QVERIFY(list.waitForFinished(60000));
        const QString files = list.readAllStandardOutput();
        for (const char* f : {"./usr/bin/geodesic-explorer", "./usr/bin/geodesic-cli",
                              "./usr/share/applications/geodesic-explorer.desktop",
                              "./usr/share/icons/hicolor/scalable/apps/geodesic-explorer.svg",
                              "./usr/share/icons/hicolor/128x128/apps/geodesic-explorer.png",
                              "./usr/share/geodesic-explorer/models/scenes64/autoencoder.safetensors",
                              "./usr/share/geodesic-explorer/models/scenes64/autoencoder.json",
                              "./usr/share/geodesic-explorer/models/scenes64/unet.safetensors",
                              "./usr/share/geodesic-explorer/models/scenes64/unet.json"})
            QVERIFY2(files.contains(f), f);

        QProcess info;
        info.start("dpkg-deb", {"--field", build + "/package/" + debs[0], "Package", "Depends"});
        QVERIFY(info.waitForFinished(60000));
        const QString fields = info.readAllStandardOutput();
        QVERIFY(fields.contains("Package: geodesic-explorer"));
        QVERIFY(fields.contains("libqcustomplot2.1-qt6"));
        QVERIFY(fields.contains("libopenblas0-openmp"));  // behind libblas.so.3, where dpkg-shlibdeps cannot see it
    }
};

QTEST_GUILESS_MAIN(TestPackaging)
#include "test_packaging.moc"
