// The analyses as a user runs them, through geodesic-cli on the shipped model: a generated scene
// video analysed (perturbed paths must score worse than the video itself, as they do on an exact
// geodesic in test_sequence_analysis), the metrics of a folder, and an evaluation over pairs whose
// report must not depend on how it was run: two shards merged, and a batch killed mid-way and
// resumed, give byte-identical tables to one uninterrupted run (the pipeline is seeded and
// deterministic on one machine, and the report holds no wall times).
#include <QDir>
#include <QFile>
#include <QProcess>
#include <QTemporaryDir>
#include <QtTest>
#include <fstream>
#include <functional>
#include <nlohmann/json.hpp>

namespace {

struct Run {
    int code;
    QByteArray out, err;
};

Run cli(const QStringList& args, int timeoutMs = 600000) {
    QProcess p;
    p.start(qEnvironmentVariable("GEODESIC_CLI"), args);
    p.waitForFinished(timeoutMs);
    return {p.exitStatus() == QProcess::NormalExit ? p.exitCode() : -1, p.readAllStandardOutput(), p.readAllStandardError()};
}

nlohmann::json readJson(const QString& path) {
    std::ifstream in(path.toStdString());
    return nlohmann::json::parse(in);
}

QByteArray bytesOf(const QString& path) {
    QFile f(path);
    return f.open(QIODevice::ReadOnly) ? f.readAll() : QByteArray();
}

QString model() { return qEnvironmentVariable("GEODESIC_MODEL_DIR"); }

// Fast solver settings for the batch runs; every run of one comparison uses the same.
QStringList batchSettings() { return {"--model", model(), "--iterations", "40", "--frames", "9"}; }

}  // namespace

class TestEvaluationCli : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void videoAnalysisOfASceneVideo() {
        QTemporaryDir dir;
        const QString d = dir.path();
        Run r = cli({"scenes", "--video", "--count", "1", "--seed", "1000000003", "--frames", "12", "--out", d + "/videos"});
        QCOMPARE(r.code, 0);
        r = cli({"video-analysis", d + "/videos/video_00000", "--model", model(), "--json", d + "/a.json", "--plot", d + "/a.png", "--out", d + "/frames",
                 "--iterations", "80"});
        QVERIFY2(r.code == 0, r.err.constData());
        const nlohmann::json a = readJson(d + "/a.json");
        QCOMPARE(a["frames"].get<int>(), 12);
        std::map<std::string, double> residual;
        for (const auto& p : a["paths"]) {
            QCOMPARE(p["residual"].size(), size_t{12});
            QCOMPARE(p["angle_degrees"].size(), size_t{12});
            residual[p["name"].get<std::string>()] = p["mean_residual"].get<double>();
        }
        qInfo("mean |r|: video %.3f, optimised %.3f, perturbed 0.25/0.5/1 %.3f/%.3f/%.3f", residual["video"], residual["optimised"],
              residual["perturbed 0.25"], residual["perturbed 0.5"], residual["perturbed 1"]);
        QVERIFY(residual["perturbed 0.25"] > residual["video"]);
        QVERIFY(residual["perturbed 0.5"] > residual["perturbed 0.25"]);
        QVERIFY(residual["perturbed 1"] > residual["perturbed 0.5"]);
        QVERIFY(residual["optimised"] < residual["video"]);
        QVERIFY(a["summary"]["video_beats_perturbations"].get<bool>());
        QVERIFY(!a["summary"]["verdict"].get<std::string>().empty());
        QVERIFY(QFile::exists(d + "/a.png") && QFile::exists(d + "/frames/strip.png") && QFile::exists(d + "/frames/optimised/frame_011.png"));
        // A folder that holds no frames is refused with one line, before the model loads.
        QDir().mkpath(d + "/empty");
        r = cli({"video-analysis", d + "/empty", "--json", d + "/b.json"});
        QCOMPARE(r.code, 2);
        QVERIFY(r.err.contains("no frame"));
    }

    void metricsOfAFolder() {
        QTemporaryDir dir;
        const QString d = dir.path();
        QCOMPARE(cli({"scenes", "--video", "--count", "1", "--seed", "1000000004", "--frames", "6", "--out", d + "/v"}).code, 0);
        Run r = cli({"metrics", d + "/v/video_00000", "--model", model(), "--json", d + "/m.json"});
        QVERIFY2(r.code == 0, r.err.constData());
        const nlohmann::json m = readJson(d + "/m.json");
        QCOMPARE(m["step_statistics"].size(), size_t{3});
        QCOMPARE(m["step_statistics"][1]["distance"].get<std::string>(), std::string("1 - SSIM"));
        QCOMPARE(m["step_statistics"][1]["steps"].size(), size_t{5});
        QVERIFY(m.contains("density") && m.contains("latent_frechet_distance"));
        // No published metric's name is given to a number computed otherwise.
        std::function<void(const nlohmann::json&)> noPublishedKey = [&](const nlohmann::json& j) {
            if (j.is_array())
                for (const auto& e : j) noPublishedKey(e);
            if (!j.is_object()) return;
            for (const auto& [key, value] : j.items()) {
                QString k = QString::fromStdString(key).toLower();
                for (const char* name : {"ppl", "pdv", "fid", "topiq", "istd", "lpips"}) QVERIFY2(!k.contains(name), key.c_str());
                noPublishedKey(value);
            }
        };
        noPublishedKey(m);
        QVERIFY(r.out.contains("not reported"));
        r = cli({"metrics", d + "/v/video_00000", "--no-model", "--json", d + "/n.json"});
        QCOMPARE(r.code, 0);
        QCOMPARE(readJson(d + "/n.json")["step_statistics"].size(), size_t{2});
    }

    void shardedAndResumedBatchesGiveTheSameReport() {
        QTemporaryDir dir;
        const QString d = dir.path();
        Run r = cli({"scenes", "--pairs", "3", "--seed", "1000000000", "--out", d + "/pairs"});
        QCOMPARE(r.code, 0);
        const QString csv = d + "/pairs/pairs.csv";

        r = cli(QStringList{"batch", csv, "--out", d + "/whole"} + batchSettings());
        QVERIFY2(r.code == 0, r.err.constData());
        QCOMPARE(cli({"batch-report", d + "/whole", "--out", d + "/report-whole"}).code, 0);

        // Two shards into two folders, run side by side, merged by one report.
        QProcess s0, s1;
        s0.start(qEnvironmentVariable("GEODESIC_CLI"), QStringList{"batch", csv, "--out", d + "/s0", "--shard", "0/2"} + batchSettings());
        s1.start(qEnvironmentVariable("GEODESIC_CLI"), QStringList{"batch", csv, "--out", d + "/s1", "--shard", "1/2"} + batchSettings());
        QVERIFY(s0.waitForFinished(600000) && s1.waitForFinished(600000));
        QCOMPARE(s0.exitCode(), 0);
        QCOMPARE(s1.exitCode(), 0);
        QCOMPARE(QDir(d + "/s0").entryList(QDir::Dirs | QDir::NoDotAndDotDot).size(), 2);  // pairs 0 and 2
        QCOMPARE(cli({"batch-report", d + "/s0", d + "/s1", "--out", d + "/report-shards"}).code, 0);

        // A batch killed once its first pair is finished (the second is then half done), then resumed.
        QProcess killed;
        killed.start(qEnvironmentVariable("GEODESIC_CLI"), QStringList{"batch", csv, "--out", d + "/resumed"} + batchSettings());
        QVERIFY(killed.waitForStarted());
        QElapsedTimer waited;
        waited.start();
        while (!QFile::exists(d + "/resumed/pair_0000/result.json") && waited.elapsed() < 300000) QTest::qWait(100);
        killed.kill();
        killed.waitForFinished();
        QVERIFY(QFile::exists(d + "/resumed/pair_0000/result.json"));
        QVERIFY(!QFile::exists(d + "/resumed/pair_0002/result.json"));
        r = cli(QStringList{"batch", csv, "--out", d + "/resumed"} + batchSettings());
        QVERIFY2(r.code == 0, r.err.constData());
        QVERIFY(r.err.contains("1 finished before"));
        QCOMPARE(cli({"batch-report", d + "/resumed", "--out", d + "/report-resumed"}).code, 0);

        for (const char* file : {"report.csv", "summary.csv", "report.md"}) {
            const QByteArray whole = bytesOf(d + "/report-whole/" + file);
            QVERIFY(!whole.isEmpty());
            QCOMPARE(bytesOf(d + "/report-shards/" + file), whole);
            QCOMPARE(bytesOf(d + "/report-resumed/" + file), whole);
        }
        QVERIFY(bytesOf(d + "/report-whole/report.md").contains("geodesic better in"));
        QVERIFY(QFile::exists(d + "/report-whole/log_length.png"));
        // Bad input: a malformed CSV line and a bad shard are refused with one line.
        QFile bad(d + "/bad.csv");
        QVERIFY(bad.open(QIODevice::WriteOnly));
        bad.write("a,b\nonly-one-column\n");
        bad.close();
        r = cli({"batch", d + "/bad.csv", "--out", d + "/x"});
        QCOMPARE(r.code, 2);
        QVERIFY(r.err.contains("bad.csv:2"));
        r = cli({"batch", csv, "--out", d + "/x", "--shard", "2/2"});
        QCOMPARE(r.code, 2);
        QVERIFY(r.err.contains("--shard"));
    }
};

QTEST_GUILESS_MAIN(TestEvaluationCli)
#include "test_evaluation_cli.moc"
