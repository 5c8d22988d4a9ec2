// Weights by name: a module saved and loaded back is identical; a file with a missing key, a key of
// the wrong shape or a key the module lacks is refused with that key's name.
#include <QTemporaryDir>
#include <QtTest>
#include <torch/torch.h>

#include "common/errors.h"
#include "nn/state_dict.h"
#include "safetensors/safetensors.h"

using namespace geo;

namespace {

struct Tiny : torch::nn::Module {
    torch::nn::Linear fc{nullptr};
    torch::nn::Conv2d conv{nullptr};
    explicit Tiny(int out = 3) {
        fc = register_module("fc", torch::nn::Linear(2, out));
        conv = register_module("conv", torch::nn::Conv2d(torch::nn::Conv2dOptions(1, 2, 3)));
        register_buffer("scale", torch::full({1}, 0.18215));
    }
};

std::string expectError(const std::string& path, Tiny& m) {
    try {
        loadStateDict(m, SafetensorsFile(path));
    } catch (const InputError& e) {
        return e.what();
    }
    return "no error";
}

}  // namespace

class TestStateDict : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void saveThenLoadIsIdentity() {
        QTemporaryDir dir;
        const std::string path = dir.filePath("tiny.safetensors").toStdString();
        torch::manual_seed(1);
        Tiny a;
        saveStateDict(a, path, {{"kind", "tiny"}});
        torch::manual_seed(2);
        Tiny b;
        QVERIFY(!torch::equal(a.fc->weight, b.fc->weight));
        const SafetensorsFile f(path);
        QCOMPARE(f.tensors().size(), size_t(5));  // fc.weight, fc.bias, conv.weight, conv.bias, scale
        QCOMPARE(f.metadata().at("kind"), std::string("tiny"));
        loadStateDict(b, f);
        QVERIFY(torch::equal(a.fc->weight, b.fc->weight));
        QVERIFY(torch::equal(a.conv->bias, b.conv->bias));
        QVERIFY(torch::equal(a.named_buffers()["scale"], b.named_buffers()["scale"]));
    }
    void badFilesNameTheKey() {
        QTemporaryDir dir;
        Tiny model;
        auto write = [&](const char* file, std::vector<std::pair<std::string, std::vector<int64_t>>> entries) {
            std::vector<std::vector<float>> data;
            std::vector<TensorToWrite> t;
            for (auto& [name, shape] : entries) {
                int64_t n = 1;
                for (int64_t d : shape) n *= d;
                data.emplace_back(n, 0.5f);
            }
            for (size_t i = 0; i < entries.size(); ++i)
                t.push_back({entries[i].first, Dtype::F32, entries[i].second, std::as_bytes(std::span(data[i]))});
            const std::string path = dir.filePath(file).toStdString();
            writeSafetensors(path, t);
            return path;
        };
        const std::vector<std::pair<std::string, std::vector<int64_t>>> good = {
            {"fc.weight", {3, 2}}, {"fc.bias", {3}}, {"conv.weight", {2, 1, 3, 3}}, {"conv.bias", {2}}, {"scale", {1}}};
        auto without = [&](const std::string& key) {
            auto e = good;
            std::erase_if(e, [&](auto& p) { return p.first == key; });
            return e;
        };
        QVERIFY(expectError(write("ok.safetensors", good), model) == "no error");

        const QString missing = QString::fromStdString(expectError(write("missing.safetensors", without("fc.bias")), model));
        QVERIFY2(missing.contains("missing 1 key(s): fc.bias"), qPrintable(missing));

        auto wrong = good;
        wrong[0].second = {2, 3};
        const QString shape = QString::fromStdString(expectError(write("shape.safetensors", wrong), model));
        QVERIFY2(shape.contains("wrong shape for fc.weight (file [2, 3], model [3, 2])"), qPrintable(shape));

        auto extra = good;
        extra.push_back({"decoder.junk", {4}});
        const QString unexpected = QString::fromStdString(expectError(write("extra.safetensors", extra), model));
        QVERIFY2(unexpected.contains("unexpected key(s) the model does not have: decoder.junk"), qPrintable(unexpected));
        // A key the caller says to ignore is not an error.
        loadStateDict(model, SafetensorsFile(write("ignored.safetensors", extra)), {"decoder.junk"});
        QCOMPARE(model.fc->bias[0].item<float>(), 0.5f);
    }
};

QTEST_APPLESS_MAIN(TestStateDict)
#include "test_state_dict.moc"
