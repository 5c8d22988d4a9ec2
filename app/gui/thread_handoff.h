#pragma once
// What Qt's cross-thread machinery guarantees, told to ThreadSanitizer. Debian's Qt is not built with
// TSan: its event queues, QThread::wait and QThreadPool synchronise through futexes TSan cannot see,
// so every value a worker hands to the GUI thread looked like a race. A hand-off is a release by the
// sender before it posts (handOff) and an acquire by the receiver before it reads (takeHandOff); the
// GUI thread acquires before every event it delivers, so queued calls and signals into it need only
// the sender's handOff. One token for all hand-offs: Qt's queues each have a mutex, so this is
// coarser than Qt but never claims an order Qt does not give between a post and its delivery.
// Outside a TSan build every function here does nothing.
#include <QMetaObject>
#include <QThread>
#include <functional>
#include <utility>

void handOff();      // before posting a queued call or emitting a signal to another thread
void takeHandOff();  // first thing where no event acquires (queueOn and startPoolTask call it)

// `task` on Qt's global thread pool, handed off both ways.
void startPoolTask(std::function<void()> task);

// Moves `worker` to `thread` and starts it; the thread hands off all it did when it finishes, and
// deletes the worker there.
void startWorkerThread(QThread& thread, QObject* worker);
// GUI thread: quits the thread, waits for it and takes over all it did.
void stopWorkerThread(QThread& thread);

// `f` run on context's thread through its event queue, handed off as above: the copy of `f` Qt keeps
// is complete before the release, the call acquires before it reads a captured value, and the copy
// is destroyed after what the call did.
template <typename F>
void queueOn(QObject* context, F f) {
    struct HandedOver {
        F f;
        explicit HandedOver(F&& g) : f(std::move(g)) { handOff(); }
        HandedOver(HandedOver&& o) : f(std::move(o.f)) { handOff(); }
        HandedOver(const HandedOver& o) : f(o.f) { handOff(); }
        // Qt drops its last reference on whichever thread comes last, the sender's included.
        ~HandedOver() { takeHandOff(); }
        void operator()() {
            takeHandOff();
            f();
            handOff();
        }
    };
    QMetaObject::invokeMethod(context, HandedOver(std::move(f)), Qt::QueuedConnection);
}
