#include "common/notices.h"

#include <iostream>
#include <mutex>

namespace geo {

namespace {
std::mutex mutex;
NoticeSink current;
}  // namespace

NoticeSink setNoticeSink(NoticeSink sink) {
    const std::lock_guard lock(mutex);
    std::swap(current, sink);
    return sink;
}

void notice(const std::string& message) {
    NoticeSink sink;
    {
        const std::lock_guard lock(mutex);
        sink = current;
    }
    if (sink)
        sink(message);
    else
        std::cerr << message << std::endl;
}

}  // namespace geo
