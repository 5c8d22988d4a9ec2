#include "diffusion/memory_batches.h"

#include <ATen/ops/cat.h>

#include "common/errors.h"
#include "common/notices.h"

namespace geo {

void BatchLimit::halve(int64_t tried, int64_t smallest, const std::string& what) {
    if (tried <= smallest)
        throw InputError("out of GPU memory even at the smallest batch of " + what + " (" + std::to_string(tried) +
                         "): free the GPU of other work, use --dtype float16, or run on the CPU (--device cpu)");
    const int64_t smaller = std::max(smallest, tried / 2);
    int64_t seen = limit_.load();
    while (seen > smaller && !limit_.compare_exchange_weak(seen, smaller)) {
    }
    notice("out of GPU memory with " + std::to_string(tried) + " " + what + " at a time: retrying with " + std::to_string(smaller));
}

at::Tensor concatenateRows(const std::vector<at::Tensor>& parts) { return at::cat(parts); }

}  // namespace geo
