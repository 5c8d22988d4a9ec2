#include "sd/clip_tokenizer.h"

#include <unicode/locid.h>
#include <unicode/normalizer2.h>
#include <unicode/uchar.h>
#include <unicode/unistr.h>
#include <zlib.h>

#include <climits>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "common/errors.h"
#include "common/resources.h"
#include "io/json_file.h"

namespace geo {

namespace fs = std::filesystem;

namespace {

constexpr const char* kStart = "<|startoftext|>";
constexpr const char* kEnd = "<|endoftext|>";

std::string utf8(UChar32 c) {
    std::string out;
    icu::UnicodeString(c).toUTF8String(out);
    return out;
}

// GPT-2's reversible map of the 256 bytes onto printable characters, in CLIP's order.
std::vector<std::string> byteCharacters(std::vector<int>* order = nullptr) {
    std::vector<int> bs;
    for (int b = '!'; b <= '~'; ++b) bs.push_back(b);
    for (int b = 0xA1; b <= 0xAC; ++b) bs.push_back(b);
    for (int b = 0xAE; b <= 0xFF; ++b) bs.push_back(b);
    std::vector<int> cs = bs;
    int n = 0;
    for (int b = 0; b < 256; ++b)
        if (std::find(bs.begin(), bs.end(), b) == bs.end()) {
            bs.push_back(b);
            cs.push_back(256 + n++);
        }
    std::vector<std::string> byByte(256);
    for (size_t i = 0; i < bs.size(); ++i) byByte[bs[i]] = utf8(cs[i]);
    if (order) *order = bs;
    return byByte;
}

const std::vector<std::string>& byteChars() {
    static const std::vector<std::string> chars = byteCharacters();
    return chars;
}

std::string gunzip(const fs::path& path) {
    gzFile f = gzopen(path.c_str(), "rb");
    if (!f) throw InputError(path.string() + ": cannot open file");
    std::string out;
    char buf[1 << 16];
    int n;
    while ((n = gzread(f, buf, sizeof buf)) > 0) out.append(buf, static_cast<size_t>(n));
    const bool failed = n < 0;
    gzclose(f);
    if (failed) throw InputError(path.string() + ": not a readable gzip file");
    return out;
}

std::vector<std::string> lines(const std::string& text) {
    std::vector<std::string> out;
    std::istringstream in(text);
    for (std::string line; std::getline(in, line);) {
        if (!line.empty() && line.back() == '\r') line.pop_back();
        out.push_back(line);
    }
    return out;
}

// HTML character references: numeric ones and the named ones prompts meet.
std::string unescapeHtml(const std::string& s) {
    static const std::map<std::string, std::string> named = {
        {"amp", "&"}, {"lt", "<"}, {"gt", ">"}, {"quot", "\""}, {"apos", "'"}, {"nbsp", "\u00a0"}, {"copy", "\u00a9"}, {"reg", "\u00ae"},
        {"mdash", "\u2014"}, {"ndash", "\u2013"}, {"hellip", "\u2026"}, {"lsquo", "\u2018"}, {"rsquo", "\u2019"}, {"ldquo", "\u201c"},
        {"rdquo", "\u201d"}, {"eacute", "\u00e9"}, {"egrave", "\u00e8"}, {"times", "\u00d7"}, {"deg", "\u00b0"}};
    std::string out;
    for (size_t i = 0; i < s.size();) {
        if (s[i] == '&') {
            const size_t semi = s.find(';', i);
            if (semi != std::string::npos && semi - i <= 10) {
                const std::string ref = s.substr(i + 1, semi - i - 1);
                if (ref.size() > 1 && ref[0] == '#') {
                    const bool hex = ref[1] == 'x' || ref[1] == 'X';
                    const std::string digits = ref.substr(hex ? 2 : 1);
                    char* endp = nullptr;
                    const long code = digits.empty() ? -1 : std::strtol(digits.c_str(), &endp, hex ? 16 : 10);
                    if (endp && *endp == '\0' && code > 0 && code <= 0x10FFFF) {
                        out += utf8(static_cast<UChar32>(code));
                        i = semi + 1;
                        continue;
                    }
                } else if (const auto it = named.find(ref); it != named.end()) {
                    out += it->second;
                    i = semi + 1;
                    continue;
                }
            }
        }
        out += s[i++];
    }
    return out;
}

bool isLetter(UChar32 c) { return (U_GET_GC_MASK(c) & U_GC_L_MASK) != 0; }
bool isNumber(UChar32 c) { return (U_GET_GC_MASK(c) & U_GC_N_MASK) != 0; }
bool isSpace(UChar32 c) { return u_isUWhiteSpace(c) || c == 0x1C || c == 0x1D || c == 0x1E || c == 0x1F; }

// ftfy.fix_text's steps that change prompts: curly quotes uncurled, Latin ligatures and full-width
// characters folded (NFKC on just those), control characters dropped, then NFC.
icu::UnicodeString fixText(const icu::UnicodeString& in) {
    UErrorCode status = U_ZERO_ERROR;
    const icu::Normalizer2* nfkc = icu::Normalizer2::getNFKCInstance(status);
    const icu::Normalizer2* nfc = icu::Normalizer2::getNFCInstance(status);
    icu::UnicodeString out;
    for (int32_t i = 0; i < in.length();) {
        const UChar32 c = in.char32At(i);
        i += U16_LENGTH(c);
        if (c == 0x02BC || (c >= 0x2018 && c <= 0x201B)) {
            out += UChar32('\'');
        } else if (c >= 0x201C && c <= 0x201F) {
            out += UChar32('"');
        } else if ((c >= 0xFB00 && c <= 0xFB06) || c == 0x0132 || c == 0x0133 || (c >= 0x01C4 && c <= 0x01CC) || (c >= 0x01F1 && c <= 0x01F3) ||
                   (c >= 0xFF01 && c <= 0xFFEE) || c == 0x3000) {
            icu::UnicodeString folded;
            nfkc->normalize(icu::UnicodeString(c), folded, status);
            out += folded;
        } else if ((u_charType(c) == U_CONTROL_CHAR && !isSpace(c)) || c == 0xFEFF) {
            continue;
        } else {
            out += c;
        }
    }
    icu::UnicodeString composed;
    nfc->normalize(out, composed, status);
    if (U_FAILURE(status)) throw InputError("the prompt is not valid text");
    return composed;
}

}  // namespace

ClipTokenizer::ClipTokenizer(std::unordered_map<std::string, int64_t> encoder, const std::vector<std::string>& merges) : encoder_(std::move(encoder)), merges_(merges) {
    for (size_t i = 0; i < merges.size(); ++i) ranks_.emplace(merges[i], static_cast<int>(i));
    const auto s = encoder_.find(kStart), e = encoder_.find(kEnd);
    if (s == encoder_.end() || e == encoder_.end()) throw InputError("the CLIP vocabulary lacks <|startoftext|> or <|endoftext|>");
    start_ = s->second;
    end_ = e->second;
}

ClipTokenizer ClipTokenizer::fromOpenAiVocabulary(const fs::path& bpeGz) {
    const std::vector<std::string> all = lines(gunzip(bpeGz));
    constexpr size_t kMerges = 49152 - 256 - 2;  // simple_tokenizer.py: merges[1 : 49152 − 256 − 2 + 1]
    if (all.size() < kMerges + 1) throw InputError(bpeGz.string() + ": holds " + std::to_string(all.size()) + " lines, CLIP's vocabulary has " + std::to_string(kMerges + 1));
    const std::vector<std::string> merges(all.begin() + 1, all.begin() + 1 + kMerges);
    std::vector<int> order;
    const std::vector<std::string> chars = byteCharacters(&order);
    std::vector<std::string> vocab;
    for (int b : order) vocab.push_back(chars[b]);
    for (int b : order) vocab.push_back(chars[b] + "</w>");
    for (const std::string& m : merges) {
        const size_t space = m.find(' ');
        if (space == std::string::npos) throw InputError(bpeGz.string() + ": a merge line without a space: \"" + m + "\"");
        vocab.push_back(m.substr(0, space) + m.substr(space + 1));
    }
    vocab.push_back(kStart);
    vocab.push_back(kEnd);
    std::unordered_map<std::string, int64_t> encoder;
    for (size_t i = 0; i < vocab.size(); ++i) encoder.emplace(vocab[i], static_cast<int64_t>(i));
    return ClipTokenizer(std::move(encoder), merges);
}

ClipTokenizer ClipTokenizer::fromFolder(const fs::path& dir) {
    const nlohmann::json vocab = readJsonFile(dir / "vocab.json");
    if (!vocab.is_object()) throw InputError((dir / "vocab.json").string() + ": expected an object of token → id");
    std::unordered_map<std::string, int64_t> encoder;
    for (const auto& [token, id] : vocab.items()) {
        if (!id.is_number_integer()) throw InputError((dir / "vocab.json").string() + ": the id of \"" + token + "\" is not an integer");
        encoder.emplace(token, id.get<int64_t>());
    }
    std::ifstream in(dir / "merges.txt", std::ios::binary);
    if (!in) throw InputError((dir / "merges.txt").string() + ": cannot open file");
    std::stringstream ss;
    ss << in.rdbuf();
    std::vector<std::string> merges;
    for (const std::string& line : lines(ss.str()))
        if (!line.empty() && line.rfind("#version", 0) != 0) merges.push_back(line);
    return ClipTokenizer(std::move(encoder), merges);
}

ClipTokenizer ClipTokenizer::shipped() {
    static const ClipTokenizer t = fromOpenAiVocabulary(resourceFile("clip/bpe_simple_vocab_16e6.txt.gz"));
    return t;
}

std::string ClipTokenizer::normalize(const std::string& text) {
    const std::string unescaped = unescapeHtml(unescapeHtml(text));
    icu::UnicodeString fixed = fixText(icu::UnicodeString::fromUTF8(unescaped));
    fixed.toLower(icu::Locale::getRoot());
    icu::UnicodeString collapsed;
    bool pendingSpace = false;
    for (int32_t i = 0; i < fixed.length();) {
        const UChar32 c = fixed.char32At(i);
        i += U16_LENGTH(c);
        if (isSpace(c)) {
            pendingSpace = !collapsed.isEmpty();
            continue;
        }
        if (pendingSpace) collapsed += UChar32(' ');
        pendingSpace = false;
        collapsed += c;
    }
    std::string out;
    collapsed.toUTF8String(out);
    return out;
}

std::vector<std::string> ClipTokenizer::bpe(const std::string& token) const {
    if (const auto it = cache_.find(token); it != cache_.end()) return it->second;
    std::vector<std::string> word;
    const icu::UnicodeString u = icu::UnicodeString::fromUTF8(token);
    for (int32_t i = 0; i < u.length();) {
        const UChar32 c = u.char32At(i);
        i += U16_LENGTH(c);
        word.push_back(utf8(c));
    }
    if (word.empty()) return {};
    word.back() += "</w>";
    while (word.size() > 1) {
        int best = INT_MAX;
        size_t at = 0;
        for (size_t i = 0; i + 1 < word.size(); ++i)
            if (const auto r = ranks_.find(word[i] + " " + word[i + 1]); r != ranks_.end() && r->second < best) {
                best = r->second;
                at = i;
            }
        if (best == INT_MAX) break;
        const std::string first = word[at], second = word[at + 1];
        std::vector<std::string> merged;
        for (size_t i = 0; i < word.size();) {
            if (i + 1 < word.size() && word[i] == first && word[i + 1] == second) {
                merged.push_back(first + second);
                i += 2;
            } else {
                merged.push_back(word[i++]);
            }
        }
        word = std::move(merged);
    }
    cache_.emplace(token, word);
    return word;
}

std::vector<std::string> ClipTokenizer::bpeTokens(const std::string& text) const {
    const icu::UnicodeString s = icu::UnicodeString::fromUTF8(normalize(text));
    std::vector<UChar32> cps;
    for (int32_t i = 0; i < s.length();) {
        cps.push_back(s.char32At(i));
        i += U16_LENGTH(cps.back());
    }
    auto matchesAt = [&](size_t i, const std::string& literal) {
        if (i + literal.size() > cps.size()) return false;
        for (size_t k = 0; k < literal.size(); ++k)
            if (cps[i + k] != static_cast<UChar32>(literal[k])) return false;
        return true;
    };
    std::vector<std::string> out;
    auto emit = [&](size_t begin, size_t end) {
        std::string bytes;
        for (size_t k = begin; k < end; ++k) bytes += utf8(cps[k]);
        std::string mapped;
        for (unsigned char b : bytes) mapped += byteChars()[b];
        for (std::string& piece : bpe(mapped)) out.push_back(std::move(piece));
    };
    // CLIP's pattern, alternatives tried in order at each position:
    // <|startoftext|>|<|endoftext|>|'s|'t|'re|'ve|'m|'ll|'d|[\p{L}]+|[\p{N}]|[^\s\p{L}\p{N}]+
    for (size_t i = 0; i < cps.size();) {
        bool special = false;
        for (const char* lit : {kStart, kEnd})
            if (matchesAt(i, lit)) {
                out.push_back(lit);
                i += std::char_traits<char>::length(lit);
                special = true;
                break;
            }
        if (special) continue;
        bool contraction = false;
        for (const char* c : {"'s", "'t", "'re", "'ve", "'m", "'ll", "'d"})
            if (matchesAt(i, c)) {
                const size_t n = std::char_traits<char>::length(c);
                emit(i, i + n);
                i += n;
                contraction = true;
                break;
            }
        if (contraction) continue;
        size_t j = i;
        if (isLetter(cps[i])) {
            while (j < cps.size() && isLetter(cps[j])) ++j;
        } else if (isNumber(cps[i])) {
            ++j;
        } else if (!isSpace(cps[i])) {
            while (j < cps.size() && !isSpace(cps[j]) && !isLetter(cps[j]) && !isNumber(cps[j])) ++j;
        } else {
            ++i;
            continue;
        }
        emit(i, j);
        i = j;
    }
    return out;
}

std::vector<int64_t> ClipTokenizer::encode(const std::string& text) const {
    std::vector<int64_t> ids;
    for (const std::string& piece : bpeTokens(text)) {
        const auto it = encoder_.find(piece);
        if (it == encoder_.end()) throw InputError("the CLIP vocabulary has no token \"" + piece + "\"");
        ids.push_back(it->second);
    }
    return ids;
}

std::vector<int64_t> ClipTokenizer::inputIds(const std::string& text, int contextLength, bool padWithZero, bool* truncated) const {
    const std::vector<int64_t> ids = encode(text);
    const size_t room = static_cast<size_t>(std::max(0, contextLength - 2));
    if (truncated) *truncated = ids.size() > room;
    std::vector<int64_t> out{start_};
    out.insert(out.end(), ids.begin(), ids.begin() + static_cast<std::ptrdiff_t>(std::min(room, ids.size())));
    out.push_back(end_);
    out.resize(static_cast<size_t>(contextLength), padWithZero ? 0 : end_);
    return out;
}

}  // namespace geo
