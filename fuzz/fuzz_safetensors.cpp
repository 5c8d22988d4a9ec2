// The safetensors reader on any file: header JSON, dtypes, shapes and offsets against the file size,
// then every tensor's bytes, and the floating-point ones converted to float32.
#include "fuzz_support.h"
#include "safetensors/safetensors.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    const auto path = fuzz::writeFile("input.safetensors", fuzz::text(data, size));
    return fuzz::expectInputErrorsOnly([&] {
        const geo::SafetensorsFile f(path);
        for (const geo::TensorInfo& t : f.tensors()) {
            volatile size_t n = f.bytes(t).size();
            (void)n;
            if (t.dtype == geo::Dtype::F32 || t.dtype == geo::Dtype::F16 || t.dtype == geo::Dtype::BF16 || t.dtype == geo::Dtype::F64) (void)f.toFloat(t.name);
        }
    });
}
