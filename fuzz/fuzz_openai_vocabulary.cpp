// The OpenAI vocabulary file (bpe_simple_vocab_16e6.txt.gz): gzip, then CLIP's merge list.
#include "fuzz_support.h"
#include "sd/clip_tokenizer.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    const auto path = fuzz::writeFile("vocab.txt.gz", fuzz::text(data, size));
    return fuzz::expectInputErrorsOnly([&] { (void)geo::ClipTokenizer::fromOpenAiVocabulary(path).inputIds("a cube"); });
}
