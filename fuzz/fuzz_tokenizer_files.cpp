// A tokenizer folder as diffusers ships it: vocab.json and merges.txt (the input split at its first
// NUL byte), then a fixed prompt through the tokenizer they make.
#include <cstring>

#include "fuzz_support.h"
#include "sd/clip_tokenizer.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    const std::string_view all = fuzz::text(data, size);
    const size_t cut = all.find('\0');
    fuzz::writeFile("vocab.json", all.substr(0, cut));
    fuzz::writeFile("merges.txt", cut == std::string_view::npos ? std::string_view() : all.substr(cut + 1));
    return fuzz::expectInputErrorsOnly([&] {
        const geo::ClipTokenizer t = geo::ClipTokenizer::fromFolder(fuzz::scratch());
        (void)t.inputIds("a photograph of an astronaut riding a horse, 4k");
    });
}
