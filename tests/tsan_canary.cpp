// The ThreadSanitizer run's own check (scripts/sanitize.sh thread runs it before the suites): the
// hand-off annotations (app/gui/thread_handoff) and the suppressions must leave a real race between a
// worker and the GUI thread reported, and a value handed over by queueOn must not be.
//   tsan-canary handed-over   the worker writes, then queues a read on the GUI thread: no report
//   tsan-canary racing-queued the worker writes again after it queued the read: a report
//   tsan-canary racing-timer  a GUI timer reads while the worker writes, no hand-off: a report
#include <QCoreApplication>
#include <QThread>
#include <QTimer>
#include <atomic>
#include <cstdio>
#include <cstring>

#include "thread_handoff.h"

namespace {
long value = 0;  // deliberately not atomic
}

int main(int argc, char** argv) {
    QCoreApplication app(argc, argv);
    const char* mode = argc > 1 ? argv[1] : "";
    const bool racingQueued = std::strcmp(mode, "racing-queued") == 0, racingTimer = std::strcmp(mode, "racing-timer") == 0;
    if (!racingQueued && !racingTimer && std::strcmp(mode, "handed-over") != 0) {
        std::fprintf(stderr, "usage: tsan-canary handed-over|racing-queued|racing-timer\n");
        return 2;
    }
    long seen = -1;
    // Relaxed: it makes the racing read wait for the write without giving TSan an order between them,
    // so the report does not depend on how the threads are scheduled.
    std::atomic<bool> written{false};
    QThread* worker = QThread::create([&] {
        for (int i = 0; i < 100; ++i) {
            value += 1;
            if (racingTimer) QThread::msleep(1);
        }
        if (racingTimer) return;
        queueOn(&app, [&] {
            while (racingQueued && !written.load(std::memory_order_relaxed)) QThread::msleep(1);
            seen = value;
            app.quit();
        });
        if (racingQueued) {
            value += 1;  // after the hand-off: races with the read
            written.store(true, std::memory_order_relaxed);
        }
    });
    QTimer poll;
    if (racingTimer) {
        QObject::connect(&poll, &QTimer::timeout, [&] {
            seen = value;
            if (worker->isFinished()) app.quit();
        });
        poll.start(1);
    }
    worker->start();
    app.exec();
    worker->wait();
    delete worker;
    std::printf("%s: read %ld\n", mode, seen);
    return 0;
}
