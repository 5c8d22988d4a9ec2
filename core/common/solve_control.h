#pragma once
// What every solver takes besides its problem: a cancel flag polled inside every loop.
#include <atomic>

#include "common/errors.h"

namespace geo {

struct SolveControl {
    const std::atomic<bool>* cancel = nullptr;

    void throwIfCancelled() const {
        if (cancel && cancel->load(std::memory_order_relaxed)) throw Cancelled();
    }
};

}  // namespace geo
