#pragma once
// Batches that shrink when the device runs out of memory: a batch that fails with c10's
// OutOfMemoryError (CUDA's caching allocator has already released its cache and tried again) is
// halved and retried from its first row, with a notice; the smaller size is kept for later calls, so a
// long solve pays for the failure once. At the smallest batch the error becomes an InputError that
// says what to change.
#include <ATen/core/Tensor.h>
#include <c10/util/Exception.h>

#include <atomic>
#include <cstdint>
#include <string>
#include <vector>

namespace geo {

class BatchLimit {
public:
    explicit BatchLimit(int64_t limit) : limit_(limit) {}
    int64_t get() const { return limit_.load(std::memory_order_relaxed); }
    // `tried` rows of `what` did not fit: lowers the limit to tried / 2 and says so, or throws InputError
    // when tried is already `smallest`.
    void halve(int64_t tried, int64_t smallest, const std::string& what);

private:
    std::atomic<int64_t> limit_;
};

at::Tensor concatenateRows(const std::vector<at::Tensor>& parts);  // at::cat, kept out of this header

// f(rows, first) over rows [first, first + n) of `rows` in batches of at most limit.get(), each retried
// smaller after an out-of-memory error; the results concatenated along the first dimension.
template <typename F>
at::Tensor inMemoryBatches(const at::Tensor& rows, BatchLimit& limit, const std::string& what, F&& f) {
    std::vector<at::Tensor> parts;
    for (int64_t first = 0; first < rows.size(0);) {
        const int64_t n = std::min(rows.size(0) - first, limit.get());
        try {
            parts.push_back(f(rows.slice(0, first, first + n), first));
            first += n;
        } catch (const c10::OutOfMemoryError&) {
            limit.halve(n, 1, what);
        }
    }
    return concatenateRows(parts);
}

}  // namespace geo
