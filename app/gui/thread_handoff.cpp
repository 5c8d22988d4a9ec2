#include "thread_handoff.h"

#include <QCoreApplication>
#include <QThreadPool>

#if defined(__SANITIZE_THREAD__)
extern "C" void __tsan_acquire(void* address);
extern "C" void __tsan_release(void* address);

namespace {

char token;

// Installed on the application when it starts: sees every event delivered in the GUI thread before
// its receiver does.
class AcquireBeforeDelivery : public QObject {
public:
    using QObject::QObject;
    bool eventFilter(QObject*, QEvent*) override {
        __tsan_acquire(&token);
        return false;
    }
};

void installAcquireBeforeDelivery() { QCoreApplication::instance()->installEventFilter(new AcquireBeforeDelivery(QCoreApplication::instance())); }

}  // namespace

Q_COREAPP_STARTUP_FUNCTION(installAcquireBeforeDelivery)

void handOff() { __tsan_release(&token); }
void takeHandOff() { __tsan_acquire(&token); }
#else
void handOff() {}
void takeHandOff() {}
#endif

void startPoolTask(std::function<void()> task) {
    std::function<void()> run = [task = std::move(task)] {
        takeHandOff();
        task();
    };
    handOff();  // after `run` is complete: the pool only moves it
    QThreadPool::globalInstance()->start(std::move(run));
}

void startWorkerThread(QThread& thread, QObject* worker) {
    worker->moveToThread(&thread);
    QObject::connect(&thread, &QThread::finished, worker, [] {
        takeHandOff();  // what the GUI thread did before it asked the thread to quit
        handOff();      // what this thread did, for stopWorkerThread
    }, Qt::DirectConnection);
    QObject::connect(&thread, &QThread::finished, worker, &QObject::deleteLater);
    thread.start();
}

void stopWorkerThread(QThread& thread) {
    handOff();
    thread.quit();
    thread.wait();
    takeHandOff();
}
