// geodesic-cli on bad input as users produce it: wrong options, malformed or mistyped field files and
// model configs. Each ends in one line on standard error that names the file, the key and what was
// expected, exit status 2, and nothing written.
#include <QDir>
#include <QFile>
#include <QMap>
#include <QProcess>
#include <QImage>
#include <QPainter>
#include <QTemporaryDir>
#include <QtTest>
#include <sys/resource.h>
#include <fstream>
#include <nlohmann/json.hpp>

#include "cli_run.h"
#include "common/stderr_capture.h"

namespace {

// `metrics --no-model` on a folder holding one file of these bytes: the cheapest command that reads images.
Run metricsOnFile(const QTemporaryDir& dir, const QString& name, const QByteArray& bytes) {
    QDir().mkpath(dir.filePath("frames"));
    QFile f(dir.filePath("frames/" + name));
    if (!f.open(QIODevice::WriteOnly) || f.write(bytes) != bytes.size()) return {-2, {}, "could not write the test file"};
    f.close();
    return cli({"metrics", dir.filePath("frames"), "--no-model", "--json", dir.filePath("m.json")});
}

}  // namespace

class TestCliBadInput : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void badInputExitsWithTwoAndOneLine_data() {
        QTest::addColumn<QStringList>("args");
        QTest::addColumn<QString>("expected");
        QTest::newRow("no command") << QStringList{} << "subcommand";
        QTest::newRow("unknown option") << QStringList{"toy", "bvp", "--preset", "ring", "--frmo", "1,1"} << "--frmo";
        QTest::newRow("no field") << QStringList{"toy", "bvp", "--from", "0,0", "--to", "1,1"} << "--preset";
        QTest::newRow("field and preset") << QStringList{"toy", "bvp", "--field", "x.json", "--preset", "ring"} << "excludes";
        QTest::newRow("unknown preset") << QStringList{"toy", "bvp", "--preset", "moon"} << "unknown preset";
        QTest::newRow("missing file") << QStringList{"toy", "bvp", "--field", "/nonexistent.json"} << "cannot open";
        QTest::newRow("bad point") << QStringList{"toy", "bvp", "--preset", "ring", "--from", "1;2"} << "--from expects";
        QTest::newRow("NaN point") << QStringList{"toy", "bvp", "--preset", "ring", "--to", "nan,2"} << "--to expects";
        QTest::newRow("too few points") << QStringList{"toy", "bvp", "--preset", "ring", "--points", "2"} << "3 … 100000 points";
        // Sizes have stated bounds: refused up front, not run until memory runs out.
        QTest::newRow("a million path points") << QStringList{"toy", "bvp", "--preset", "ring", "--points", "1000000"} << "3 … 100000 points";
        QTest::newRow("a million spacetime points") << QStringList{"spacetime", "bvp", "--preset", "mixture-1d", "--from", "-1,0.5", "--to", "1,0.5", "--points", "1000000"} << "3 … 10000 points";
        QTest::newRow("a million samples") << QStringList{"sample", "--count", "1000000", "--seed", "1", "--out", "never.png"} << "1 … 4096";
        QTest::newRow("points not a number") << QStringList{"toy", "bvp", "--preset", "ring", "--points", "many"} << "points";
        QTest::newRow("zero velocity") << QStringList{"toy", "ivp", "--preset", "ring", "--velocity", "0,0", "--length", "1"} << "must not be zero";
        QTest::newRow("negative length") << QStringList{"toy", "ivp", "--preset", "ring", "--velocity", "1,0", "--length", "-1"} << "positive";
        QTest::newRow("no length") << QStringList{"toy", "ivp", "--preset", "ring", "--velocity", "1,0"} << "--length";
        QTest::newRow("unwritable output") << QStringList{"toy", "bvp", "--preset", "ring", "--json", "/nonexistent/o.json"} << "/nonexistent";
        QTest::newRow("no scenes") << QStringList{"scenes", "--count", "0", "--out", "/tmp/x"} << "--count";
        QTest::newRow("scenes too small") << QStringList{"scenes", "--size", "4", "--out", "/tmp/geodesic-scenes-small"} << "image size";
        QTest::newRow("missing model") << QStringList{"reconstruct", "--model", "/nonexistent", "x.png", "--out", "/tmp/r"} << "/nonexistent/autoencoder.json";
        QTest::newRow("missing image") << QStringList{"reconstruct", "/nonexistent.png", "--out", "/tmp/r"} << "/nonexistent.png";
        QTest::newRow("bad training") << QStringList{"train", "autoencoder", "--out", "/tmp/geodesic-bad-train", "--steps", "0"} << "training needs";
        QTest::newRow("sample without seed") << QStringList{"sample", "--out", "/tmp/s.png"} << "--seed";
        QTest::newRow("sample zero count") << QStringList{"sample", "--count", "0", "--seed", "1", "--out", "/tmp/s.png"} << "1 … 4096";
        QTest::newRow("sample on cuda without gpu") << QStringList{"sample", "--count", "1", "--seed", "1", "--out", "/tmp/s.png", "--device", "cuda"} << "no CUDA";
        QTest::newRow("float16 on cpu") << QStringList{"sample", "--count", "1", "--seed", "1", "--out", "/tmp/s.png", "--dtype", "float16"} << "float16 needs a CUDA device";
        QTest::newRow("model without unet") << QStringList{"sample", "--model", "/nonexistent", "--count", "1", "--seed", "1", "--out", "/tmp/s.png"} << "/nonexistent: no such file or folder";
        QTest::newRow("prompt for the shipped model") << QStringList{"sample", "--prompt", "a dog", "--seed", "1", "--out", "/tmp/s.png"} << "takes no text prompt";
        QTest::newRow("sd pickle") << QStringList{"sd", "info", "--model", "/tmp/geodesic-model.ckpt"} << "no such file";
        QTest::newRow("sd unknown component") << QStringList{"sd", "run", "--model", "/tmp", "--component", "clip", "--inputs", "x", "--out", "y"} << "--component";
        QTest::newRow("sd bench size") << QStringList{"sd", "bench", "--size", "100"} << "--size must be a multiple of 64";
        QTest::newRow("sd bench runs") << QStringList{"sd", "bench", "--runs", "0"} << "--batch and --runs must be 1 or more";
        QTest::newRow("sd unknown prediction") << QStringList{"sd", "info", "--model", "/tmp", "--prediction", "noise"} << "--prediction";
        QTest::newRow("sd not a model") << QStringList{"sd", "info", "--model", "/tmp"} << "not a model: neither the shipped layout (unet.json)";
        QTest::newRow("invert missing image") << QStringList{"invert", "/nonexistent.png", "--out", "/tmp/z.safetensors"} << "/nonexistent.png";
        QTest::newRow("interpolate no decode steps") << QStringList{"interpolate", "a.png", "b.png", "--out", "/tmp/z", "--decode-steps", "0"} << "--decode-steps";
        QTest::newRow("interpolate unknown sampling") << QStringList{"interpolate", "a.png", "b.png", "--out", "/tmp/z", "--sampling", "euler"} << "--sampling";
        QTest::newRow("invert bad level") << QStringList{"invert", "x.png", "--noise-level", "1.5", "--out", "/tmp/z.safetensors"} << "--noise-level";
        QTest::newRow("spacetime without data") << QStringList{"spacetime", "pfode", "--x-T", "1"} << "--preset";
        QTest::newRow("tps unknown constraint") << QStringList{"tps", "--preset", "mueller-brown", "--constraint", "tight"} << "low-variance";
        QTest::newRow("tps unknown system") << QStringList{"tps", "--preset", "alanine"} << "two-routes";
        QTest::newRow("tps no paths") << QStringList{"tps", "--preset", "two-routes", "--paths", "0"} << "--paths";
        QTest::newRow("spacetime point without time") << QStringList{"spacetime", "bvp", "--preset", "mixture-1d", "--from", "1", "--to", "1,0.5"} << "2 numbers as X,T";
        QTest::newRow("spacetime time out of range") << QStringList{"spacetime", "bvp", "--preset", "mixture-1d", "--from", "1,1.5", "--to", "1,0.5"} << "(0, 1]";
        QTest::newRow("spacetime unknown preset") << QStringList{"spacetime", "pfode", "--preset", "moon", "--x-T", "1"} << "mixture-1d";
        QTest::newRow("edit distance wrong dimension") << QStringList{"spacetime", "edit-distance", "--preset", "figure1", "--a", "1", "--b", "2,2"} << "X1,...,X2";
        QTest::newRow("figure1 unwritable") << QStringList{"figure1", "--out", "/proc/nope"} << "/proc/nope";
    }
    void badInputExitsWithTwoAndOneLine() {
        QFETCH(QStringList, args);
        QFETCH(QString, expected);
        const Run r = cli(args);
        QCOMPARE(r.code, 2);
        QVERIFY(r.out.isEmpty());
        const QString err = QString::fromUtf8(r.err).trimmed();
        QVERIFY2(!err.isEmpty() && !err.contains('\n'), qPrintable(err));
        QVERIFY2(err.contains(expected), qPrintable(err));
    }
    void malformedAndInvalidFieldFiles() {
        QTemporaryDir dir;
        const std::pair<const char*, const char*> cases[] = {
            {"{\"type\": \"gmm\",", "malformed JSON"},
            {R"({"type": "gmm", "weights": [1], "means": [[0, 0]], "covariances": [[[1, 2], [2, 1]]]})", "not positive definite"},
            {R"({"type": "gmm", "weights": [-1], "means": [[0, 0]], "covariances": [[[1, 0], [0, 1]]]})", "negative"},
            {R"({"type": "gmm", "weights": [1], "means": [[0, 0, 0]], "covariances": [[[1, 0, 0], [0, 1, 0], [0, 0, 1]]]})", "2-D field"},
            // A misspelt key would otherwise run at the default temperature without a word.
            {R"({"type": "muller_brown", "temprature": 5})", R"(unknown key "temprature" (did you mean "temperature"?))"},
            {"[1, 2]", "must be a JSON object"},
        };
        for (const auto& [text, expected] : cases) {
            const QString path = dir.filePath("f.json");
            std::ofstream(path.toStdString()) << text;
            const Run r = cli({"toy", "bvp", "--field", path});
            QCOMPARE(r.code, 2);
            QVERIFY2(QString::fromUtf8(r.err).contains(expected), r.err.constData());
        }
    }
    // The shipped model's configs spoilt one way at a time (weights linked, not copied): one line naming
    // the file, the key and what was expected, before any sampling; the unspoilt copy samples.
    // A file cut off in the middle (an interrupted download): the decoders would fill the rest with grey
    // and report success; refused with the reason instead.
    void truncatedImages() {
        QTemporaryDir dir;
        QImage image(64, 64, QImage::Format_RGB888);
        image.fill(Qt::darkCyan);
        QPainter(&image).fillRect(8, 8, 40, 30, Qt::yellow);
        for (const char* format : {"jpg", "png"}) {
            const QString folder = dir.filePath(format);
            QVERIFY(QDir().mkpath(folder));
            QVERIFY(image.save(folder + "/a." + format, format));
            QVERIFY(image.save(folder + "/b." + format, format));
            const Run whole = cli({"metrics", folder, "--no-model", "--json", dir.filePath(QString(format) + ".json")});
            QVERIFY2(whole.code == 0, whole.err.constData());
            QFile b(folder + "/b." + format);
            QVERIFY(b.resize(b.size() / 2));
            const Run cut = cli({"metrics", folder, "--no-model", "--json", dir.filePath(QString(format) + "-cut.json")});
            QCOMPARE(cut.code, 2);
            const QString err = QString::fromUtf8(cut.err).trimmed();
            QVERIFY2(!err.contains('\n') && err.contains("b." + QString(format)) && err.contains("ends early"), qPrintable(err));
        }
    }
    // A PNG whose compressed data is damaged (a flipped byte inside IDAT, the file otherwise whole):
    // libpng prints its own lines from inside OpenCV; they become part of the one-line message.
    void aDamagedPngGivesOneLine() {
        QTemporaryDir dir;
        QImage image(64, 64, QImage::Format_RGB888);
        image.fill(Qt::darkCyan);
        const QString folder = dir.filePath("png");
        QVERIFY(QDir().mkpath(folder));
        QVERIFY(image.save(folder + "/a.png") && image.save(folder + "/b.png"));
        QFile b(folder + "/b.png");
        QVERIFY(b.open(QIODevice::ReadWrite));
        QByteArray bytes = b.readAll();
        const qsizetype data = bytes.indexOf("IDAT") + 8;
        QVERIFY(data > 8);
        bytes[data] = static_cast<char>(bytes[data] ^ 0x5a);
        QVERIFY(b.seek(0) && b.write(bytes) == bytes.size());
        b.close();
        const Run r = cli({"metrics", folder, "--no-model", "--json", dir.filePath("m.json")});
        QCOMPARE(r.code, 2);
        const QString err = QString::fromUtf8(r.err).trimmed();
        if (geo::standardErrorIsCaptured())  // the CLI is built as this test is
            QVERIFY2(!err.contains('\n') && err.contains("b.png: not an image OpenCV can read (the decoder said: libpng error"), qPrintable(err));
        else  // under AddressSanitizer libpng's own line stands before ours
            QVERIFY2(err.section('\n', -1).contains("b.png: not an image OpenCV can read"), qPrintable(err));
    }
    // A file size limit (RLIMIT_FSIZE: what a full disk looks like to a writer) during an export that
    // replaces an earlier one: a message, exit 2, the earlier files byte for byte, no partial file.
    void fileSizeLimitDuringExportKeepsThePreviousOne() {
        const QString shipped = qEnvironmentVariable("GEODESIC_MODEL_DIR");
        if (shipped.isEmpty()) QSKIP("GEODESIC_MODEL_DIR is not set");
        QTemporaryDir dir;
        QImage a(64, 64, QImage::Format_RGB888), b(64, 64, QImage::Format_RGB888);
        a.fill(Qt::darkCyan);
        b.fill(Qt::darkYellow);
        QVERIFY(a.save(dir.filePath("a.png")) && b.save(dir.filePath("b.png")));
        const QString out = dir.filePath("out");
        const QStringList args{"interpolate", dir.filePath("a.png"), dir.filePath("b.png"), "--model", shipped, "--out", out, "--frames", "3",
                               "--iterations", "20", "--json", out + "/path.json"};
        const Run first = cli(args + QStringList{"--seed", "1"});
        QVERIFY2(first.code == 0, first.err.constData());
        QMap<QString, QByteArray> before;
        for (const QFileInfo& f : QDir(out).entryInfoList(QDir::Files)) {
            QFile file(f.filePath());
            QVERIFY(file.open(QIODevice::ReadOnly));
            before[f.fileName()] = file.readAll();
        }
        QVERIFY(before.contains("path.json") && before.contains("frame_002.png"));

        QProcess p;
        p.setChildProcessModifier([] {
            const rlimit limit{4096, 4096};  // bytes per file: the frames fit, the strip and the JSON do not
            setrlimit(RLIMIT_FSIZE, &limit);
        });
        p.start(qEnvironmentVariable("GEODESIC_CLI"), args + QStringList{"--seed", "2"});
        QVERIFY(p.waitForFinished(120000));
        QCOMPARE(p.exitStatus(), QProcess::NormalExit);  // not killed by SIGXFSZ
        QCOMPARE(p.exitCode(), 2);
        const QString err = QString::fromUtf8(p.readAllStandardError()).trimmed().split('\n').last();
        QVERIFY2(err.contains("File too large"), qPrintable(err));
        for (const QFileInfo& f : QDir(out).entryInfoList(QDir::Files | QDir::Hidden | QDir::Dirs | QDir::NoDotAndDotDot)) {
            QVERIFY2(before.contains(f.fileName()) || f.isDir(), qPrintable("left behind: " + f.fileName()));
            if (f.isDir()) {
                QVERIFY2(!f.fileName().startsWith(".partial"), qPrintable("left behind: " + f.fileName()));
                continue;
            }
            QFile file(f.filePath());
            QVERIFY(file.open(QIODevice::ReadOnly));
            QVERIFY2(file.readAll() == before[f.fileName()], qPrintable(f.fileName() + " changed"));
        }
    }
    // Found by fuzz_image: a file with a DICOM signature aborted the whole program inside OpenCV's GDCM
    // decoder (an assertion). Formats the program does not read no longer reach OpenCV.
    void aDamagedDicomFileIsRefusedNotACrash() {
        QTemporaryDir dir;
        const QByteArray bytes = QByteArray::fromBase64(
            "QlBGEApE//////////////////////////////8h////////////////////////////////////////////////////////////"
            "////////////////////////////////////////////////////////////////UgAAoxBESUNNAABN");
        const Run r = metricsOnFile(dir, "scan.png", bytes);
        QCOMPARE(r.code, 2);
        QVERIFY2(r.err.contains("not an image in a format this program reads"), r.err.constData());
        // And with the signature of a format it reads in front (PPM's "P6"): that decoder turns it
        // down and OpenCV handed it on to GDCM, which asked for 4 GiB.
        const QByteArray disguised = QByteArray::fromBase64(
            "UDYjSkIBiUzZEiiLaTb/2P/gABBKRklGAAEBAAABAAEA/wDbAEMoKCgoKCgo2NfXyfWi+foG////QCgoKCgoKCgoKCgoKP/A/zAAAEMABCgoKC"
            "goKCgoKCgoKCgoKCgo/8D/MAAAQwAEKCgoKCgoKCgoKCgoKCgo/8D/2P/gABJESUNNKItpNVNWrv///1MAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"
            "AAAAAAAAAAAAAAAAAAAArAAA00kiEEpGSUYAAQEAAAEAAEMoKCgoKEYAAQEAAD8A9FWChoKUiUzZEiiurItpNU1NACoANQqurAA=");
        const Run d = metricsOnFile(dir, "scan.ppm", disguised);
        QCOMPARE(d.code, 2);
        QVERIFY2(d.err.contains("not an image in a format this program reads"), d.err.constData());
    }
    // Found by fuzz_image: 520 bytes of TIFF declaring 14864×19789 pixels made OpenCV allocate 2 GiB.
    // Declared sizes are read from the header and bounded (134 megapixels) before any decoder runs.
    void aTinyFileDeclaringAHugeImageIsRefused() {
        QTemporaryDir dir;
        const QByteArray bytes = QByteArray::fromBase64(
            "SUkqAGYBAACAK1WqwAgEAQeEQmFQuGQ2Ev9/gBXK5WwuCxaHQ2IweIQxXq9XReDwaRyQASaMw+OwqIRFYrFYSKTzKCyiUgCVzicy0ALNZrKLzW"
            "SyabTeeRyWx1arVaTShSWEUWWTmdRueLZbLWa06iVGUVSkRuq1VbrdbUGRU+E1KHwid0mIrhcLah0Su1B/PJ0P5zMcAAYHAIMDMAAgH26Vv+5L"
            "euRiDvt4ud+t9bAQBgKEPp9v1+BwkA0KhuwgDF16Dt0KvEEuMIBsEyN8u9zPFrK/LAN8aZ+M1sOcLiwkCITCgJBIJwi5XSTgB5gl9MUItB9r0S"
            "DsLhQKBPY7NrLCEN5zPB3PcDCAaEoSCQSgT2RzkwoAvN3vYAAR+A4HYeFPx6u94myXRvnIdYMhkJwLAuDL2AIjiELKs6iwitiDnyep5gMBQGpY"
            "xAALKWqRtMhsJwaqaFn+rCtQim8VrapAAICAAAwAAAEDAAEAAAAQOi8vAQEDAAEAAABNTQAqAgEDAAMAAAD8AQAAAwEDAAEAAAAFAAAABgEDAA"
            "EAAAACAAAAEQEEAAEAAAAIAAAAFQEDAAEAAAADAAAANgEDAAEAAAAQAAAAFwEEAAEAAABdAQAAHAEDAAEAAAABAAAAPQEDAAEAAAACAAAAUwED"
            "AAMAAAACAgAAAAAAAAgACAAIAAEAAQABAA==");
        const Run r = metricsOnFile(dir, "huge.tif", bytes);
        QCOMPARE(r.code, 2);
        QVERIFY2(r.err.contains("14864×19789 pixels, more than the 134 megapixels"), r.err.constData());
    }
    void malformedModelConfigs_data() {
        QTest::addColumn<QString>("file");
        QTest::addColumn<QString>("key");
        QTest::addColumn<QString>("value");  // JSON; "" deletes the key; "!" replaces the whole file with [1, 2]
        QTest::addColumn<QString>("expected");
        QTest::newRow("array for a string") << "unet.json" << "architecture" << R"(["latent-unet"])" << R"(unet.json: "architecture" must be a string, not an array)";
        QTest::newRow("top level an array") << "unet.json" << "" << "!" << "unet.json: the top level must be a JSON object, not an array";
        QTest::newRow("misspelt key") << "unet.json" << "predicton" << R"("v_prediction")" << R"(unknown key "predicton" (did you mean "prediction"?))";
        QTest::newRow("null latent size") << "unet.json" << "latent_size" << "null" << R"("latent_size" must be a positive integer)";
        QTest::newRow("latent size of another image size") << "autoencoder.json" << "image_size" << "128" << R"("latent_size" is 16, but the autoencoder makes 32×32)";
        QTest::newRow("image size not a multiple of 4") << "autoencoder.json" << "image_size" << "63" << R"("image_size" must be a multiple of 4)";
        QTest::newRow("schedule key misspelt") << "unet.json" << "schedule" << R"({"train_steps": 1000, "beta_start": 0.00085, "beta_end": 0.012, "beta_shedule": "linear"})"
                                               << R"(unknown key "beta_shedule" (did you mean "beta_schedule"?))";
        QTest::newRow("unspoilt") << "unet.json" << "" << "" << "";
    }
    void malformedModelConfigs() {
        QFETCH(QString, file);
        QFETCH(QString, key);
        QFETCH(QString, value);
        QFETCH(QString, expected);
        const QString shipped = qEnvironmentVariable("GEODESIC_MODEL_DIR");
        if (shipped.isEmpty()) QSKIP("GEODESIC_MODEL_DIR is not set");
        QTemporaryDir dir;
        const QString m = dir.filePath("m");
        QVERIFY(QDir().mkpath(m));
        for (const char* f : {"unet.safetensors", "autoencoder.safetensors"}) QVERIFY(QFile::link(shipped + "/" + f, m + "/" + f));
        for (const char* f : {"unet.json", "autoencoder.json"}) QVERIFY(QFile::copy(shipped + "/" + f, m + "/" + f));
        QFile config(m + "/" + file);
        QVERIFY(config.open(QIODevice::ReadOnly));
        nlohmann::json j = nlohmann::json::parse(config.readAll().toStdString());
        config.close();
        if (value == "!") j = nlohmann::json::array({1, 2});
        else if (!key.isEmpty()) j[key.toStdString()] = nlohmann::json::parse(value.toStdString());
        QVERIFY(config.remove());
        std::ofstream(config.fileName().toStdString()) << j.dump();
        const Run r = cli({"sample", "--model", m, "--count", "1", "--seed", "1", "--steps", "2", "--out", dir.filePath("out")});
        if (expected.isEmpty()) {
            QVERIFY2(r.code == 0, r.err.constData());
            return;
        }
        QCOMPARE(r.code, 2);
        const QString err = QString::fromUtf8(r.err).trimmed();
        QVERIFY2(!err.contains('\n') && err.contains(expected), qPrintable(err));
        QVERIFY(!QFileInfo::exists(dir.filePath("out")));
    }
};

QTEST_GUILESS_MAIN(TestCliBadInput)
#include "test_cli_bad_input.moc"
