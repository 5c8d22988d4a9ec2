// CLIP's tokenizer against openai/CLIP's simple_tokenizer.py with ftfy (the golden cases in
// tests/data/clip-tokenizer/golden.json): ids must match exactly, so there is no tolerance.
// The same vocabulary written out as a diffusers tokenizer/ folder must tokenize identically.
#include <QTemporaryDir>
#include <QtTest>

#include <fstream>
#include <nlohmann/json.hpp>

#include "common/errors.h"
#include "sd/clip_tokenizer.h"

using namespace geo;
using nlohmann::json;

namespace {

std::filesystem::path fixtures() { return qEnvironmentVariable("GEODESIC_FIXTURES").toStdString() + "/clip-tokenizer"; }

json golden() { return json::parse(std::ifstream(fixtures() / "golden.json")); }

std::vector<int64_t> ids(const json& a) { return a.get<std::vector<int64_t>>(); }

QString show(const std::vector<int64_t>& v) {
    QStringList s;
    for (int64_t x : v) s << QString::number(x);
    return s.join(' ');
}

void checkGolden(const ClipTokenizer& t) {
    const json cases = golden()["cases"];  // a named copy: the temporary would die before the loop
    for (const json& c : cases) {
        const std::string text = c["text"];
        const QString name = QString::fromStdString(text).left(40);
        QCOMPARE(QString::fromStdString(ClipTokenizer::normalize(text)), QString::fromStdString(c["normalized_text"].get<std::string>()));
        QVERIFY2(t.bpeTokens(text) == c["bpe_tokens"].get<std::vector<std::string>>(), qPrintable(name));
        QVERIFY2(t.encode(text) == ids(c["ids"]), qPrintable(name + ": " + show(t.encode(text)) + " vs " + show(ids(c["ids"]))));
        bool truncated = false;
        QVERIFY2(t.inputIds(text, 77, false, &truncated) == ids(c["input_ids_77_pad_eos"]), qPrintable(name));
        QCOMPARE(truncated, c["truncated"].get<bool>());
        QVERIFY2(t.inputIds(text, 77, true) == ids(c["input_ids_77_pad_zero"]), qPrintable(name));
    }
}

}  // namespace

class TestClipTokenizer : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void openAiVocabularyMatchesGoldenCases() {
        const ClipTokenizer t = ClipTokenizer::fromOpenAiVocabulary(fixtures() / "bpe_simple_vocab_16e6.txt.gz");
        QCOMPARE(t.vocabularySize(), size_t(49408));
        QCOMPARE(t.startId(), int64_t(49406));
        QCOMPARE(t.endId(), int64_t(49407));
        QVERIFY(t.encode("a dog jumping") == (std::vector<int64_t>{320, 1929, 11476}));
        checkGolden(t);
    }

    void shippedVocabularyIsTheSame() { QVERIFY(ClipTokenizer::shipped().encode("a photo of an astronaut") == ClipTokenizer::fromOpenAiVocabulary(fixtures() / "bpe_simple_vocab_16e6.txt.gz").encode("a photo of an astronaut")); }

    // A diffusers tokenizer/ folder (vocab.json, merges.txt with its #version line) written from the
    // OpenAI vocabulary tokenizes every golden case identically.
    void diffusersFolderMatchesGoldenCases() {
        const ClipTokenizer reference = ClipTokenizer::fromOpenAiVocabulary(fixtures() / "bpe_simple_vocab_16e6.txt.gz");
        QTemporaryDir dir;
        json vocab = json::object();
        for (const auto& [token, id] : reference.vocabulary()) vocab[token] = id;
        std::ofstream(dir.filePath("vocab.json").toStdString()) << vocab.dump();
        {
            std::ofstream merges(dir.filePath("merges.txt").toStdString());
            merges << "#version: 0.2\n";
            for (const std::string& m : reference.merges()) merges << m << '\n';
        }
        checkGolden(ClipTokenizer::fromFolder(dir.path().toStdString()));
    }

    void badVocabularyFilesAreNamed() {
        QTemporaryDir dir;
        const std::string path = dir.filePath("vocab.txt.gz").toStdString();
        std::ofstream(path) << "not gzip at all";
        QVERIFY_THROWS_EXCEPTION(InputError, ClipTokenizer::fromOpenAiVocabulary(path));
        QVERIFY_THROWS_EXCEPTION(InputError, ClipTokenizer::fromFolder(dir.path().toStdString()));
    }
};

QTEST_GUILESS_MAIN(TestClipTokenizer)
#include "test_clip_tokenizer.moc"
