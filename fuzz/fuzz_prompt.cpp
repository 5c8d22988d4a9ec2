// Any prompt text through the shipped CLIP tokenizer: normalisation (ftfy-style cleanup, HTML
// entities, Unicode), pre-tokenisation, byte-level BPE, truncation to 77 ids.
#include "fuzz_support.h"
#include "sd/clip_tokenizer.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    static const geo::ClipTokenizer& t = geo::ClipTokenizer::shipped();
    return fuzz::expectInputErrorsOnly([&] {
        bool truncated = false;
        const std::vector<int64_t> ids = t.inputIds(std::string(fuzz::text(data, size)), 77, size % 2 == 1, &truncated);
        if (ids.size() != 77) std::abort();
    });
}
