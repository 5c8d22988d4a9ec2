#pragma once
// CLIP's byte-level BPE tokenizer, as openai/CLIP's simple_tokenizer.py does it: text cleaned the way
// ftfy.fix_text and html.unescape clean it (curly quotes, ligatures and full-width letters folded, NFC),
// whitespace collapsed, lower-cased, split by CLIP's pattern, bytes mapped to printable characters,
// merged by rank. From the OpenAI vocabulary file or from a diffusers tokenizer/ folder.
#include <cstdint>
#include <filesystem>
#include <map>
#include <string>
#include <unordered_map>
#include <vector>

namespace geo {

class ClipTokenizer {
public:
    static ClipTokenizer fromOpenAiVocabulary(const std::filesystem::path& bpeGz);  // bpe_simple_vocab_16e6.txt.gz
    static ClipTokenizer fromFolder(const std::filesystem::path& dir);              // vocab.json + merges.txt
    static ClipTokenizer shipped();  // the OpenAI vocabulary that ships with the program

    // ftfy-style cleanup, HTML entities, whitespace collapsed and trimmed, lower case.
    static std::string normalize(const std::string& text);
    std::vector<std::string> bpeTokens(const std::string& text) const;  // pieces, "</w>" at word ends
    std::vector<int64_t> encode(const std::string& text) const;         // ids, no start/end tokens
    // <start> + the first contextLength − 2 ids + <end>, padded to contextLength with <end> (SD 1.x)
    // or 0 (SD 2.x). `truncated` says whether ids were dropped.
    std::vector<int64_t> inputIds(const std::string& text, int contextLength = 77, bool padWithZero = false, bool* truncated = nullptr) const;

    int64_t startId() const { return start_; }
    int64_t endId() const { return end_; }
    size_t vocabularySize() const { return encoder_.size(); }
    const std::unordered_map<std::string, int64_t>& vocabulary() const { return encoder_; }
    const std::vector<std::string>& merges() const { return merges_; }  // "a b", by rank

private:
    ClipTokenizer(std::unordered_map<std::string, int64_t> encoder, const std::vector<std::string>& merges);
    std::vector<std::string> bpe(const std::string& token) const;
    std::unordered_map<std::string, int64_t> encoder_;
    std::vector<std::string> merges_;
    std::unordered_map<std::string, int> ranks_;  // "a b" → merge rank
    mutable std::unordered_map<std::string, std::vector<std::string>> cache_;
    int64_t start_ = 0, end_ = 0;
};

}  // namespace geo
