// Safetensors: a round trip, every kind of malformed file with its message, and the real files of
// tests/data written by an independent writer.
#include <QTemporaryDir>
#include <QtTest>
#include <cstring>
#include <fstream>

#include "common/errors.h"
#include "safetensors/safetensors.h"

using namespace geo;

namespace {

std::span<const std::byte> bytesOf(const std::vector<float>& v) { return std::as_bytes(std::span(v)); }

std::string fileWithHeader(const std::string& header, size_t dataBytes) {
    std::string out(8, '\0');
    const uint64_t n = header.size();
    for (int i = 0; i < 8; ++i) out[i] = char((n >> (8 * i)) & 0xff);
    return out + header + std::string(dataBytes, '\0');
}

}  // namespace

class TestSafetensors : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void roundTrip() {
        QTemporaryDir dir;
        const std::vector<float> w = {1.5f, -2.0f, 3.25f, 0.0f, 1e-3f, 7.0f};
        const std::vector<float> b = {0.5f, 0.25f};
        const std::vector<uint16_t> h = {0x3c00, 0xc000, 0x0001};   // F16: 1, −2, smallest subnormal
        const std::vector<uint16_t> bf = {0x3f80, 0x4049};          // BF16: 1, 3.140625
        const std::string path = dir.filePath("m.safetensors").toStdString();
        writeSafetensors(path,
                         {{"layer.weight", Dtype::F32, {2, 3}, bytesOf(w)},
                          {"layer.bias", Dtype::F32, {2}, bytesOf(b)},
                          {"half", Dtype::F16, {3}, std::as_bytes(std::span(h))},
                          {"brain", Dtype::BF16, {2}, std::as_bytes(std::span(bf))}},
                         {{"format", "pt"}, {"seed", "7"}});
        const SafetensorsFile f(path);
        QCOMPARE(f.tensors().size(), size_t(4));
        QCOMPARE(f.metadata().at("seed"), std::string("7"));
        QCOMPARE(f.at("layer.weight").shape, (std::vector<int64_t>{2, 3}));
        QCOMPARE(f.toFloat("layer.weight"), w);
        QCOMPARE(f.toFloat("layer.bias"), b);
        const std::vector<float> hf = f.toFloat("half");
        QCOMPARE(hf[0], 1.0f);
        QCOMPARE(hf[1], -2.0f);
        QCOMPARE(hf[2], std::ldexp(1.0f, -24));
        QCOMPARE(f.toFloat("brain"), (std::vector<float>{1.0f, 3.140625f}));
        QVERIFY(f.find("nope") == nullptr);
        try {
            f.at("nope");
            QFAIL("no error");
        } catch (const InputError& e) {
            QVERIFY(QString(e.what()).contains("no tensor \"nope\""));
        }
        // The header is padded to a multiple of 8, as other writers do.
        std::ifstream in(path, std::ios::binary);
        uint64_t n = 0;
        in.read(reinterpret_cast<char*>(&n), 8);
        QCOMPARE(n % 8, uint64_t(0));
    }
    void writerRejectsInconsistentTensors() {
        const std::vector<float> w = {1, 2, 3};
        QVERIFY_THROWS_EXCEPTION(InputError, encodeSafetensors({{"w", Dtype::F32, {2, 2}, bytesOf(w)}}));
        QVERIFY_THROWS_EXCEPTION(InputError, encodeSafetensors({{"w", Dtype::F32, {3}, bytesOf(w)}, {"w", Dtype::F32, {3}, bytesOf(w)}}));
    }
    void malformedFiles_data() {
        QTest::addColumn<QByteArray>("content");
        QTest::addColumn<QString>("expected");
        auto file = [](const std::string& header, size_t data) { return QByteArray::fromStdString(fileWithHeader(header, data)); };
        const std::string ok = R"("w": {"dtype": "F32", "shape": [2], "data_offsets": [0, 8]})";
        QTest::newRow("empty") << QByteArray() << "too short";
        QTest::newRow("seven bytes") << QByteArray(7, 'x') << "too short";
        QTest::newRow("header past the end") << file("{" + ok + "}", 8).left(20) << "runs past the end";
        QTest::newRow("huge header length") << QByteArray("\xff\xff\xff\xff\xff\xff\xff\x7f", 8) + QByteArray(8, ' ') << "implausibly large";
        QTest::newRow("not JSON") << file("{\"w\": ", 0) << "not valid JSON";
        QTest::newRow("not an object") << file("[1, 2]", 0) << "not a JSON object";
        QTest::newRow("missing keys") << file(R"({"w": {"dtype": "F32"}})", 0) << "needs dtype, shape and data_offsets";
        QTest::newRow("unknown dtype") << file(R"({"w": {"dtype": "F8", "shape": [2], "data_offsets": [0, 2]}})", 2) << "unknown dtype \"F8\"";
        QTest::newRow("negative dimension") << file(R"({"w": {"dtype": "F32", "shape": [-2], "data_offsets": [0, 8]}})", 8) << "non-negative integer";
        QTest::newRow("bad offsets") << file(R"({"w": {"dtype": "F32", "shape": [2], "data_offsets": [0]}})", 8) << "two non-negative integers";
        QTest::newRow("reversed offsets") << file(R"({"w": {"dtype": "F32", "shape": [0], "data_offsets": [8, 0]}})", 8) << "end before they begin";
        QTest::newRow("truncated data") << file("{" + ok + "}", 4) << "past the data";
        QTest::newRow("shape and size disagree") << file(R"({"w": {"dtype": "F32", "shape": [3], "data_offsets": [0, 8]}})", 8) << "span 8 bytes";
        QTest::newRow("shape overflows") << file(R"({"w": {"dtype": "F32", "shape": [4294967296, 4294967296], "data_offsets": [0, 8]}})", 8) << "too many";
        QTest::newRow("overlap") << file(R"({"a": {"dtype": "F32", "shape": [2], "data_offsets": [0, 8]}, "b": {"dtype": "F32", "shape": [1], "data_offsets": [4, 8]}})", 8) << "overlaps";
        QTest::newRow("hole") << file(R"({"a": {"dtype": "F32", "shape": [1], "data_offsets": [0, 4]}, "b": {"dtype": "F32", "shape": [1], "data_offsets": [8, 12]}})", 12) << "bytes 4..8 of the data belong to no tensor";
        QTest::newRow("trailing bytes") << file("{" + ok + "}", 12) << "bytes 8..12";
        QTest::newRow("bad metadata") << file(R"({"__metadata__": {"format": 1}})", 0) << "is not a string";
    }
    void malformedFiles() {
        QFETCH(QByteArray, content);
        QFETCH(QString, expected);
        QTemporaryDir dir;
        const QString path = dir.filePath("bad.safetensors");
        QFile f(path);
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write(content);
        f.close();
        try {
            SafetensorsFile file(path.toStdString());
            QFAIL("no error");
        } catch (const InputError& e) {
            const QString msg = e.what();
            QVERIFY2(msg.contains(expected) && msg.contains("bad.safetensors"), qPrintable(msg));
        }
    }
    void missingFile() { QVERIFY_THROWS_EXCEPTION(InputError, SafetensorsFile("/nonexistent.safetensors")); }
    void readsTheSharedFixtures() {
        // Written by an independent writer (fixtures README): 686 UNet tensors, all F32; the cases
        // hold float32 outputs beside float64 references of the same quantity.
        const QString root = qEnvironmentVariable("GEODESIC_FIXTURES");
        QVERIFY2(QDir(root).exists(), qPrintable("fixtures not found at " + root));
        const SafetensorsFile unet((root + "/sd-tiny/sd15-like/unet/diffusion_pytorch_model.safetensors").toStdString());
        QCOMPARE(unet.tensors().size(), size_t(686));
        QCOMPARE(unet.metadata().at("format"), std::string("pt"));
        for (const TensorInfo& t : unet.tensors()) QCOMPARE(t.dtype, Dtype::F32);
        const SafetensorsFile vae((root + "/sd-tiny/vae/cases.safetensors").toStdString());
        const std::vector<float> mean = vae.toFloat("posterior_mean"), mean64 = vae.toFloat("posterior_mean_f64");
        QCOMPARE(mean.size(), size_t(2 * 4 * 8 * 8));
        double worst = 0;
        for (size_t i = 0; i < mean.size(); ++i) worst = std::max(worst, double(std::abs(mean[i] - mean64[i])));
        QVERIFY2(worst < 1e-4, qPrintable(QString::number(worst)));  // float32 arithmetic through a small VAE
        const SafetensorsFile cases((root + "/sd-tiny/sd15-like/unet/cases.safetensors").toStdString());
        const TensorInfo& ts = cases.at("case0.timesteps");
        QCOMPARE(ts.dtype, Dtype::I64);
        int64_t t[2];
        std::memcpy(t, cases.bytes(ts).data(), 16);
        QVERIFY(t[0] >= 0 && t[0] < 1000 && t[1] >= 0 && t[1] < 1000);
        QVERIFY_THROWS_EXCEPTION(InputError, cases.toFloat("case0.timesteps"));
    }
};

QTEST_APPLESS_MAIN(TestSafetensors)
#include "test_safetensors.moc"
