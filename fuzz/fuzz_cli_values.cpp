// The command line's value parsers: number lists (points, perturbation sizes), a shard "I/N", and a
// pairs CSV for batches; chosen by the first byte.
#include "cli_values.h"
#include "fuzz_support.h"
#include "io/pairs_csv.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    if (size < 1) return 0;
    const std::string value(fuzz::text(data + 1, size - 1));
    return fuzz::expectInputErrorsOnly([&] {
        switch (data[0] % 4) {
            case 0: (void)cli::parseNumbers(value, "--from", 2, "X,Y"); break;
            case 1: (void)cli::parseNumbers(value, "--perturbations", 0, "SIZE,SIZE,…"); break;
            case 2: (void)geo::parseShard(value); break;
            default: (void)geo::readPairsCsv(fuzz::writeFile("pairs.csv", value)); break;
        }
    });
}
