// geodesic-cli as scripts call it: each command on a small input (bad input: test_cli_bad_input).
#include <QImage>
#include <QImageReader>
#include <csignal>
#include <QProcess>
#include <QTemporaryDir>
#include <QtTest>
#include <fstream>
#include <nlohmann/json.hpp>

#include "cli_run.h"
#include "safetensors/safetensors.h"

class TestCli : public QObject {
    Q_OBJECT
private Q_SLOTS:
    // `sd run` on every fixture case writes what diffusers computed, under the fixtures' names
    // (tolerance as in test_sd_networks: the fixtures' README's bound for a float32 port).
    void sdRunReproducesFixtures() {
        const QString f = qEnvironmentVariable("GEODESIC_FIXTURES") + "/sd-tiny/";
        QTemporaryDir dir;
        struct Case {
            QString model, component, inputs, prefix;
            std::vector<std::string> outputs;
        };
        const std::vector<Case> cases = {
            {"sd15-like/unet", "unet", "sd15-like/unet/cases.safetensors", "case0.", {"eps"}},
            {"sd15-like/unet", "unet", "sd15-like/unet/cases.safetensors", "case1.", {"eps"}},
            {"sd21-like/unet", "unet", "sd21-like/unet/cases.safetensors", "case0.", {"eps"}},
            {"sd21-like/unet", "unet", "sd21-like/unet/cases.safetensors", "case1.", {"eps"}},
            {"vae", "vae-encode", "vae/cases.safetensors", "", {"posterior_mean", "posterior_logvar"}},
            {"vae", "vae-decode", "vae/cases.safetensors", "", {"decoded"}},
            {"text_encoder", "text", "text_encoder/cases.safetensors", "", {"last_hidden_state", "penultimate_hidden_state_final_layer_normed", "pooler_output"}}};
        for (const Case& c : cases) {
            const QString out = dir.filePath(c.component + c.prefix + ".safetensors");
            QStringList args{"sd", "run", "--model", f + c.model, "--component", c.component, "--inputs", f + c.inputs, "--out", out, "--device", "cpu", "--dtype", "float32"};
            if (!c.prefix.isEmpty()) args << "--prefix" << c.prefix;
            const Run r = cli(args);
            QVERIFY2(r.code == 0, r.err.constData());
            const geo::SafetensorsFile got(out.toStdString()), want((f + c.inputs).toStdString());
            for (const std::string& name : c.outputs) {
                const std::vector<float> a = got.toFloat(c.prefix.toStdString() + name), b = want.toFloat(c.prefix.toStdString() + name);
                QCOMPARE(a.size(), b.size());
                double err = 0, scale = 0;
                for (size_t i = 0; i < a.size(); ++i) {
                    err = std::max(err, double(std::abs(a[i] - b[i])));
                    scale = std::max(scale, double(std::abs(b[i])));
                }
                const double bound = name == "decoded" ? 2e-4 * scale : 1e-4 * std::max(1.0, scale);
                QVERIFY2(err <= bound, qPrintable(QString("%1 %2: %3 > %4").arg(c.component, QString::fromStdString(name)).arg(err).arg(bound)));
            }
        }
        const Run info = cli({"sd", "info", "--model", f + "sd21-like/unet"});
        QCOMPARE(info.code, 0);
        QVERIFY(info.out.contains("heads [1, 2, 4, 4], cross-attention 48, linear projections"));
    }

    void toyBvpWritesTheContract() {
        const Run r = cli({"toy", "bvp", "--preset", "figure1", "--from", "-2,0", "--to", "2,0", "--points", "48"});
        QCOMPARE(r.code, 0);
        const auto j = nlohmann::json::parse(r.out.toStdString());
        for (const char* key : {"points", "length", "straight_length", "log_density", "straight_log_density",
                                "el_residual", "iterations", "seconds"})
            QVERIFY2(j.contains(key), key);
        QCOMPARE(int(j["points"].size()), 48);
        QCOMPARE(j["points"][0][0].get<double>(), -2.0);
        QCOMPARE(j["points"][47][0].get<double>(), 2.0);
        QCOMPARE(int(j["log_density"].size()), 48);
        QVERIFY(j["length"].get<double>() * 100 < j["straight_length"].get<double>());
    }
    void toyBvpFromAFieldFileToAJsonFile() {
        QTemporaryDir dir;
        const QString field = dir.filePath("f.json"), out = dir.filePath("out.json"), csv = dir.filePath("out.csv");
        std::ofstream(field.toStdString()) << R"({"type": "gmm", "weights": [1, 1], "means": [[-1, 0], [1, 0.5]],
            "covariances": [[[0.4, 0], [0, 0.4]], [[0.3, 0.1], [0.1, 0.3]]]})";
        const Run r = cli({"toy", "bvp", "--field", field, "--from", "-1.5,0", "--to", "1.5,0.5", "--json", out, "--csv", csv});
        QCOMPARE(r.code, 0);
        QVERIFY(r.out.isEmpty());
        const auto j = nlohmann::json::parse(std::ifstream(out.toStdString()));
        QCOMPARE(int(j["points"].size()), 128);
        QVERIFY(QFileInfo(csv).size() > 1000);
    }
    void toyIvp() {
        const Run r = cli({"toy", "ivp", "--preset", "ring", "--from", "2,0", "--velocity", "0,1", "--length", "2", "--steps", "200"});
        QCOMPARE(r.code, 0);
        const auto j = nlohmann::json::parse(r.out.toStdString());
        QCOMPARE(int(j["points"].size()), 201);
        QCOMPARE(int(j["log_density"].size()), 201);
    }
    void figure1WritesPngAndCsv() {
        QTemporaryDir dir;
        const QString out = dir.filePath("fig/sub");
        const Run r = cli({"figure1", "--out", out});
        QCOMPARE(r.code, 0);
        // A PNG: its signature, then the IHDR chunk with big-endian width and height.
        QFile png(out + "/figure1.png");
        QVERIFY(png.open(QIODevice::ReadOnly));
        const QByteArray head = png.read(24);
        QVERIFY(head.startsWith("\x89PNG\r\n\x1a\n"));
        auto be32 = [&](int at) { return (uchar(head[at]) << 24) | (uchar(head[at + 1]) << 16) | (uchar(head[at + 2]) << 8) | uchar(head[at + 3]); };
        QVERIFY(be32(16) >= 1200 && be32(20) >= 400);
        QVERIFY(QFileInfo(out + "/figure1_paths.csv").size() > 0);
        QVERIFY(QFileInfo(out + "/figure1_field.csv").size() > 0);
        const auto j = nlohmann::json::parse(std::ifstream((out + "/figure1.json").toStdString()));
        QVERIFY(j["length"].get<double>() < j["straight_length"].get<double>());
    }
    void scenesAndVideos() {
        QTemporaryDir dir;
        QCOMPARE(cli({"scenes", "--count", "3", "--seed", "5", "--out", dir.filePath("s")}).code, 0);
        for (const char* f : {"s/scene_00000.png", "s/scene_00002.png", "s/scenes.json"}) QVERIFY2(QFile::exists(dir.filePath(f)), f);
        const auto index = nlohmann::json::parse(std::ifstream(dir.filePath("s/scenes.json").toStdString()));
        QCOMPARE(index[2]["seed"].get<int>(), 7);
        QCOMPARE(cli({"scenes", "--count", "1", "--video", "--frames", "4", "--out", dir.filePath("v")}).code, 0);
        QVERIFY(QFile::exists(dir.filePath("v/video_00000/frame_003.png")));
        QVERIFY(!QFile::exists(dir.filePath("v/video_00000/frame_004.png")));
    }
    void trainThenReconstruct() {
        // A tiny autoencoder trained through the CLI, then used: the shapes and files, not the quality
        // (the shipped model's quality has its own test).
        QTemporaryDir dir;
        const QString model = dir.filePath("ae");
        const Run train = cli({"train", "autoencoder", "--out", model, "--steps", "2", "--batch", "2", "--channels", "8",
                               "--scenes", "4", "--eval-scenes", "2", "--checkpoint-every", "2"});
        QVERIFY2(train.code == 0, train.err.constData());
        QVERIFY(QFile::exists(model + "/autoencoder.safetensors") && QFile::exists(model + "/autoencoder.json"));
        QCOMPARE(cli({"scenes", "--count", "1", "--out", dir.filePath("in"), "--size", "96"}).code, 0);
        const Run rec = cli({"reconstruct", "--model", model, dir.filePath("in/scene_00000.png"), "--out", dir.filePath("rec")});
        QVERIFY2(rec.code == 0, rec.err.constData());
        QVERIFY(rec.out.contains("PSNR"));
        QVERIFY(rec.err.contains("96x96 centre-cropped to 96x96 and resized to 64x64"));
        QVERIFY(QFile::exists(dir.filePath("rec/scene_00000.png")));
        // A file that is not an image stops the run before anything is written.
        QFile bad(dir.filePath("bad.png"));
        QVERIFY(bad.open(QIODevice::WriteOnly));
        bad.write("not an image");
        bad.close();
        const Run fail = cli({"reconstruct", "--model", model, dir.filePath("in/scene_00000.png"), dir.filePath("bad.png"), "--out", dir.filePath("rec2")});
        QCOMPARE(fail.code, 2);
        QVERIFY(fail.err.contains("bad.png: not an image"));
        QVERIFY(!QDir(dir.filePath("rec2")).exists());
    }
    void sampleAndInvertWithTheShippedModel() {
        QTemporaryDir dir;
        const Run s = cli({"sample", "--count", "4", "--seed", "5", "--steps", "10", "--out", dir.filePath("a.png")});
        QVERIFY2(s.code == 0, s.err.constData());
        QCOMPARE(cli({"sample", "--count", "4", "--seed", "5", "--steps", "10", "--out", dir.filePath("b.png")}).code, 0);
        const QImage a(dir.filePath("a.png")), b(dir.filePath("b.png"));
        QCOMPARE(a.size(), QSize(2 * 64 + 2, 2 * 64 + 2));  // a 2×2 grid with a 2-pixel gap
        QCOMPARE(a, b);                                      // one seed, one picture
        QVERIFY(s.err.contains("epsilon prediction, cpu, float32"));

        QCOMPARE(cli({"scenes", "--count", "1", "--seed", "1000000007", "--out", dir.filePath("in"), "--size", "80"}).code, 0);
        const Run inv = cli({"invert", dir.filePath("in/scene_00000.png"), "--noise-level", "0.6", "--out", dir.filePath("z.safetensors")});
        QVERIFY2(inv.code == 0, inv.err.constData());
        QVERIFY(inv.err.contains("resized to 64x64"));
        QVERIFY2(inv.out.contains("timestep 581") && inv.out.contains("PSNR"), inv.out.constData());
        const geo::SafetensorsFile z(dir.filePath("z.safetensors").toStdString());
        QVERIFY(z.find("latent") && z.find("clean_latent"));
        QCOMPARE(z.find("latent")->shape, (std::vector<int64_t>{1, 4, 16, 16}));
        QCOMPARE(z.metadata().at("timestep"), std::string("581"));
    }
    // interpolate / extrapolate on the shipped model, short solves: the contract's files and keys.
    void interpolateAndExtrapolate() {
        QTemporaryDir dir;
        QCOMPARE(cli({"scenes", "--count", "3", "--seed", "1000000200", "--out", dir.filePath("in")}).code, 0);
        const QString a = dir.filePath("in/scene_00000.png"), b = dir.filePath("in/scene_00001.png"), c = dir.filePath("in/scene_00002.png");
        const Run r = cli({"interpolate", a, b, c, "--out", dir.filePath("out"), "--frames", "5", "--iterations", "20", "--levels", "2", "--json",
                           dir.filePath("p.json"), "--latents", dir.filePath("p.safetensors"), "--gif", dir.filePath("p.gif"), "--mp4",
                           dir.filePath("p.mp4"), "--hold", "1", "--retime"});
        QVERIFY2(r.code == 0, r.err.constData());
        QVERIFY(r.out.contains("length ratio geodesic/baseline"));
        for (int i = 0; i < 9; ++i) QVERIFY(QFile::exists(dir.filePath(QString("out/frame_%1.png").arg(i, 3, 10, QChar('0')))));
        QVERIFY(!QFile::exists(dir.filePath("out/frame_009.png")));
        std::ifstream f(dir.filePath("p.json").toStdString());
        const nlohmann::json j = nlohmann::json::parse(f);
        QCOMPARE(j["keyframes"], nlohmann::json({0, 4, 8}));
        QCOMPARE(j["timestep"].get<int>(), 581);
        QVERIFY(j.contains("retiming") && j["retiming"].get<std::string>().find("SSIM") != std::string::npos);
        QVERIFY(j["baseline_length"].get<double>() > 0 && j["length"].get<double>() > 0);
        QCOMPARE(geo::SafetensorsFile(dir.filePath("p.safetensors").toStdString()).at("path").shape, (std::vector<int64_t>{9, 4, 16, 16}));
        QCOMPARE(QImageReader(dir.filePath("p.gif")).imageCount(), 9 + 3);

        const Run x = cli({"extrapolate", a, b, "--out", dir.filePath("ext"), "--past", "both", "--frames", "2", "--pair-frames", "5", "--iterations",
                           "10", "--levels", "1", "--length", "0.25", "--json", dir.filePath("x.json")});
        QVERIFY2(x.code == 0, x.err.constData());
        std::ifstream xf(dir.filePath("x.json").toStdString());
        const nlohmann::json xj = nlohmann::json::parse(xf);
        QCOMPARE(xj["frames"].size(), size_t{2 + 5 + 2});
        QCOMPARE(xj["keyframes"], nlohmann::json({2, 6}));
        QVERIFY(std::abs(xj["t"].back().get<double>() - 1.25) < 1e-9);
    }

    // interpolate --geometry both / spacetime: the window's export layout (the spacetime geodesic in
    // OUT/spacetime/ beside the density path, or in OUT alone), both geometries' numbers in the JSON,
    // and a chain of three keyframes joined into one spacetime curve.
    void interpolateInEveryGeometry() {
        QTemporaryDir dir;
        QCOMPARE(cli({"scenes", "--count", "3", "--seed", "1000000500", "--out", dir.filePath("in")}).code, 0);
        const QString a = dir.filePath("in/scene_00000.png"), b = dir.filePath("in/scene_00001.png"), c = dir.filePath("in/scene_00002.png");
        const QString out = dir.filePath("both");
        const Run r = cli({"interpolate", a, b, "--geometry", "both", "--out", out, "--frames", "5", "--iterations", "20", "--levels", "2",
                           "--spacetime-steps", "3", "--spacetime-probes", "2", "--json", out + "/path.json", "--gif", out + "/path.gif"});
        QVERIFY2(r.code == 0, r.err.constData());
        QVERIFY(r.out.contains("length ratio geodesic/baseline") && r.out.contains("Diffusion Edit Distance"));
        for (const QString& f : {"frame_004.png", "baseline/frame_004.png", "strip.png", "path.json", "path.gif", "spacetime/frame_004.png",
                                 "spacetime/noisy/frame_004.png", "spacetime/strip.png", "spacetime/points.safetensors", "spacetime/spacetime.json",
                                 "spacetime/spacetime.gif"})
            QVERIFY2(QFile::exists(out + "/" + f), qPrintable(f));
        QVERIFY(!QFile::exists(out + "/frame_005.png") && !QFile::exists(out + "/spacetime/frame_005.png"));
        std::ifstream f((out + "/path.json").toStdString());
        const nlohmann::json j = nlohmann::json::parse(f);
        for (const char* key : {"length", "baseline_length", "log_density", "keyframes", "spacetime"}) QVERIFY2(j.contains(key), key);
        for (const char* key : {"edit_distance", "energy", "lambda_min", "points", "images"}) QVERIFY2(j["spacetime"].contains(key), key);
        std::ifstream sf((out + "/spacetime/spacetime.json").toStdString());
        const nlohmann::json st = nlohmann::json::parse(sf);
        QCOMPARE(st["edit_distance"].get<double>(), j["spacetime"]["edit_distance"].get<double>());
        QCOMPARE(st["images"][1].get<std::string>(), b.toStdString());

        const QString alone = dir.filePath("spacetime");
        const Run s = cli({"interpolate", a, b, c, "--geometry", "spacetime", "--out", alone, "--frames", "5", "--spacetime-steps", "2",
                           "--spacetime-probes", "1"});
        QVERIFY2(s.code == 0, s.err.constData());
        QVERIFY(!s.out.contains("length ratio") && s.out.contains("Diffusion Edit Distance"));
        for (int i = 0; i < 9; ++i) QVERIFY(QFile::exists(alone + QString("/frame_%1.png").arg(i, 3, 10, QChar('0'))));  // 5 + 4: the chain shares its keyframe
        QVERIFY(!QFile::exists(alone + "/frame_009.png") && !QDir(alone + "/baseline").exists() && !QDir(alone + "/spacetime").exists());
        std::ifstream af((alone + "/spacetime.json").toStdString());
        const nlohmann::json aj = nlohmann::json::parse(af);
        QCOMPARE(aj["points"].size(), size_t{9});
        QCOMPARE(aj["images"].size(), size_t{3});
    }

    // spacetime images / distance on the shipped model with very short solves: the files and keys of the
    // contract, a symmetric matrix with a zero diagonal, and bad input refused with nothing written.
    void spacetimeImagesAndDistance() {
        QTemporaryDir dir;
        QCOMPARE(cli({"scenes", "--count", "3", "--seed", "1000000400", "--out", dir.filePath("in")}).code, 0);
        const QString a = dir.filePath("in/scene_00000.png"), b = dir.filePath("in/scene_00001.png"), c = dir.filePath("in/scene_00002.png");
        const Run r = cli({"spacetime", "images", a, b, "--out", dir.filePath("st"), "--points", "8", "--steps", "3", "--probes", "2", "--gif",
                           dir.filePath("st.gif")});
        QVERIFY2(r.code == 0, r.err.constData());
        for (int i = 0; i < 8; ++i) {
            QVERIFY(QFile::exists(dir.filePath(QString("st/frame_%1.png").arg(i, 3, 10, QChar('0')))));
            QVERIFY(QFile::exists(dir.filePath(QString("st/noisy/frame_%1.png").arg(i, 3, 10, QChar('0')))));
        }
        std::ifstream f(dir.filePath("st/spacetime.json").toStdString());
        const nlohmann::json j = nlohmann::json::parse(f);
        QCOMPARE(j["points"].size(), size_t{8});
        for (const char* key : {"energy", "length", "edit_distance", "lambda_min", "evaluations", "seconds"}) QVERIFY2(j.contains(key), key);
        QVERIFY(std::abs(j["points"][0]["lambda"].get<double>() - j["points"][7]["lambda"].get<double>()) < 1e-9);  // both ends at t-min
        QVERIFY(j["lambda_min"].get<double>() <= j["points"][0]["lambda"].get<double>());
        QCOMPARE(geo::SafetensorsFile(dir.filePath("st/points.safetensors").toStdString()).at("points").shape, (std::vector<int64_t>{8, 4, 16, 16}));
        QCOMPARE(QImageReader(dir.filePath("st.gif")).imageCount(), 8);

        const Run d = cli({"spacetime", "distance", a, b, c, "--points", "6", "--steps", "2", "--probes", "1", "--json", dir.filePath("d.json"), "--csv",
                           dir.filePath("d.csv")});
        QVERIFY2(d.code == 0, d.err.constData());
        std::ifstream df(dir.filePath("d.json").toStdString());
        const nlohmann::json m = nlohmann::json::parse(df);
        QCOMPARE(m["names"].size(), size_t{3});
        for (int i = 0; i < 3; ++i) {
            QCOMPARE(m["edit_distance"][i][i].get<double>(), 0.0);
            for (int k = 0; k < 3; ++k) QCOMPARE(m["edit_distance"][i][k].get<double>(), m["edit_distance"][k][i].get<double>());
        }
        QVERIFY(m["edit_distance"][0][1].get<double>() > 0);
        QVERIFY(QFile(dir.filePath("d.csv")).size() > 0);

        for (const QStringList& bad : {QStringList{"spacetime", "images", a, "--out", dir.filePath("bad1")},
                                       QStringList{"spacetime", "images", a, b, "--out", dir.filePath("bad2"), "--t-min", "1.5"},
                                       QStringList{"spacetime", "images", a, dir.filePath("missing.png"), "--out", dir.filePath("bad3")}}) {
            const Run e = cli(bad);
            QVERIFY2(e.code == 2, qPrintable(bad.join(' ') + ": " + e.err));
            QVERIFY(!QFile::exists(bad[bad.indexOf("--out") + 1]));
        }
    }

    // Each bad input of interpolate: exit 2, one line naming it, and nothing written.
    void interpolateBadInputsLeaveNothing() {
        QTemporaryDir dir;
        QCOMPARE(cli({"scenes", "--count", "2", "--seed", "1000000300", "--out", dir.filePath("in")}).code, 0);
        const QString a = dir.filePath("in/scene_00000.png"), b = dir.filePath("in/scene_00001.png"), out = dir.filePath("out");
        QFile bad(dir.filePath("bad.png"));
        QVERIFY(bad.open(QIODevice::WriteOnly));
        bad.write("not a png");
        bad.close();
        const std::vector<std::pair<QStringList, QString>> cases = {
            {{"interpolate", a, "--out", out}, "at least 2 images"},
            {{"interpolate", a, dir.filePath("bad.png"), "--out", out}, "bad.png: not an image"},
            {{"interpolate", a, dir.filePath("missing.png"), "--out", out}, "missing.png"},
            {{"interpolate", a, b, "--out", out, "--noise-level", "1.5"}, "--noise-level must lie in (0, 1)"},
            {{"interpolate", a, b, "--out", out, "--frames", "1"}, "--frames must be 2 or more"},
            {{"interpolate", a, b, "--out", "/proc/nope/out"}, "/proc/nope/out"},
            {{"interpolate", a, b, "--out", out, "--json", "/nonexistent/p.json"}, "/nonexistent"},
            {{"interpolate", a, b, "--out", out, "--prompt", "x", "y", "z"}, "3 prompts for 2 images"},
            {{"interpolate", a, b, "--out", out, "--prompt", "a cube"}, "takes no text prompt"},
            {{"interpolate", a, b, "--out", out, "--size", "0x3"}, "--size"},
            {{"interpolate", a, b, "--out", out, "--textual-inversion", "5"}, "has no prompt to invert"},
            {{"interpolate", a, b, "--out", out, "--geometry", "curved"}, "--geometry"},
            {{"interpolate", a, b, "--out", out, "--geometry", "spacetime", "--frames", "2"}, "--frames must lie in 3 … 1024 for a spacetime geodesic"},
            {{"interpolate", a, b, "--out", out, "--geometry", "spacetime", "--latents", dir.filePath("l.safetensors")}, "the spacetime geodesic writes its points"},
            {{"interpolate", a, b, "--out", out, "--geometry", "both", "--spacetime-probes", "0"}, "--spacetime-probes must be 1 or more"},
            {{"extrapolate", a, b, a, "--out", out}, "exactly 2 images"},
            {{"extrapolate", a, b, "--out", out, "--past", "middle"}, "--past"},
        };
        for (const auto& [args, expected] : cases) {
            const Run r = cli(args);
            const QString err = QString::fromUtf8(r.err).trimmed();
            QVERIFY2(r.code == 2, qPrintable(args.join(' ') + ": " + err));
            QVERIFY2(err.contains(expected) && !err.split('\n').last().isEmpty(), qPrintable(err));
            QVERIFY2(err.split('\n').size() <= 2, qPrintable(err));  // the message, after at most the model's description line
            QVERIFY(!QDir(out).exists());
        }
        // Cancelled in the middle (Ctrl+C): exit 2, says so, leaves no output.
        QProcess p;
        p.start(qEnvironmentVariable("GEODESIC_CLI"),
                {"interpolate", a, b, "--out", out, "--json", dir.filePath("c.json"), "--solver", "published", "--no-early-switch"});
        p.setReadChannel(QProcess::StandardError);
        QByteArray err;
        while (!err.contains("solve") && p.waitForReadyRead(60000)) err += p.readAllStandardError();
        ::kill(static_cast<pid_t>(p.processId()), SIGINT);
        QVERIFY(p.waitForFinished(10000));
        err += p.readAllStandardError();
        QCOMPARE(p.exitStatus(), QProcess::NormalExit);
        QCOMPARE(p.exitCode(), 2);
        QVERIFY2(err.trimmed().split('\n').last().contains("cancelled"), err.constData());
        QVERIFY(!QDir(out).exists() && !QFile::exists(dir.filePath("c.json")));
    }
    void spacetimeCommandsWriteTheContract() {
        // The paper toy: the PF-ODE's energy is the reference's 0.14767 (float64); the geodesic between
        // its ends is cheaper; edit distances are symmetric in the endpoints up to the solver's stopping rule.
        QTemporaryDir dir;
        const Run pf = cli({"spacetime", "pfode", "--preset", "mixture-1d", "--x-T", "1", "--json", dir.filePath("pf.json")});
        QVERIFY2(pf.code == 0, pf.err.constData());
        std::ifstream in(dir.filePath("pf.json").toStdString());
        const nlohmann::json p = nlohmann::json::parse(in);
        QCOMPARE(p["points"].size(), size_t(513));
        QCOMPARE(p["points"][0][1].get<double>(), 1.0);
        QVERIFY(std::abs(p["energy"].get<double>() - 0.14767258) < 1e-6);
        QVERIFY(p.contains("length") && p.contains("seconds"));
        const double end = p["points"][512][0].get<double>();

        const Run bvp = cli({"spacetime", "bvp", "--preset", "mixture-1d", "--from", "1,1", "--to", QString::number(end, 'g', 17) + ",0.1"});
        QVERIFY2(bvp.code == 0, bvp.err.constData());
        const nlohmann::json g = nlohmann::json::parse(bvp.out.toStdString());
        QCOMPARE(g["points"].size(), size_t(512));
        QVERIFY(g["energy"].get<double>() < 0.0990);
        QVERIFY(g["converged"].get<bool>());

        auto distance = [&](const char* a, const char* b) {
            const Run r = cli({"spacetime", "edit-distance", "--preset", "mixture-1d", "--a", a, "--b", b, "--t-min", "0.35", "--points", "128"});
            return nlohmann::json::parse(r.out.toStdString())["distance"].get<double>();
        };
        const double ab = distance("-2.5", "2.5"), ba = distance("2.5", "-2.5"), near = distance("-2.5", "-2");
        // Each direction stops at its own point of the 1e-5 energy rule on a 10-node spline: 0.4% apart
        // when measured; 1% bounds it.
        QVERIFY2(std::abs(ab - ba) < 1e-2 * ab, qPrintable(QString("%1 vs %2").arg(ab).arg(ba)));
        QVERIFY(near < ab);
    }
    void tpsWritesTheContract() {
        // A small run (16 geodesic points, 2 chains of 16 × 4 Langevin steps, too short to cross): every
        // key of the contract, the paths' shapes, and the lower bound, Müller–Brown's A–B saddle (−40.665).
        const Run r = cli({"tps", "--preset", "mueller-brown", "--points", "16", "--paths", "2", "--steps-per-point", "4"});
        QVERIFY2(r.code == 0, r.err.constData());
        const nlohmann::json j = nlohmann::json::parse(r.out.toStdString());
        QCOMPARE(j["geodesic"]["points"].size(), size_t(16));
        QCOMPARE(j["geodesic"]["points"][0].size(), size_t(3));
        QCOMPARE(j["paths"].size(), size_t(2));
        QCOMPARE(j["paths"][0].size(), size_t(17));  // the start and one state per geodesic point
        QCOMPARE(j["max_energies"].size(), size_t(2));
        QVERIFY(std::abs(j["lower_bound"].get<double>() - -40.665) < 0.05);
        for (const auto& e : j["max_energies"]) QVERIFY(e.get<double>() >= -146.7);  // U at minimum A, where chains start
        QVERIFY(j.contains("max_energy_mean") && j.contains("seconds") && j["constraint"] == "none");
    }
    void helpExitsWithZero() {
        const Run r = cli({"toy", "bvp", "--help"});
        QCOMPARE(r.code, 0);
        QVERIFY(r.out.contains("--points"));
    }
};

QTEST_GUILESS_MAIN(TestCli)
#include "test_cli.moc"
