// A field file (the toy mode's and the spacetime commands' densities) as the programs read it: JSON,
// then every key checked, mixtures validated; and the toy scene built from it.
#include "field/field_json.h"
#include "fuzz_support.h"
#include "toy/presets.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    const auto path = fuzz::writeFile("field.json", fuzz::text(data, size));
    return fuzz::expectInputErrorsOnly([&] {
        (void)geo::loadFieldFile(path);
        (void)geo::sceneFromFile(path.string());
    });
}
