#pragma once
// Short blocking work (encoding and writing a PNG) run on a thread of its own while the GUI thread
// waits in a local event loop, so the window keeps drawing and the caller keeps a plain return value.
#include <QEventLoop>
#include <thread>

#include "thread_handoff.h"

template <typename F>
auto waitOffGuiThread(F work) -> decltype(work()) {
    QEventLoop loop;
    decltype(work()) result{};
    std::thread worker([&] {
        result = work();
        queueOn(&loop, [&loop] { loop.quit(); });
    });
    loop.exec(QEventLoop::ExcludeUserInputEvents);
    worker.join();
    return result;
}
