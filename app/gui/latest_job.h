#pragma once
// Runs jobs on the thread it lives on, the latest first: submitting a job replaces any that has not
// started and, unless told to let it finish, cancels the one running (its SolveControl reports
// cancellation). Letting short jobs finish keeps results flowing while requests arrive faster than
// jobs complete (a drag). Workers derive from it and publish their results by signals.
#include <QMutex>
#include <QObject>
#include <atomic>
#include <functional>
#include <optional>
#include <QStringList>

#include "common/solve_control.h"

class LatestJobRunner : public QObject {
    Q_OBJECT
public:
    using Job = std::function<void(const geo::SolveControl&)>;
    // home: the GUI-thread object results go to (sendHome); it outlives the runner.
    explicit LatestJobRunner(QObject* home = nullptr) : home_(home) {}
    void submit(Job job, bool interruptRunning = true);  // any thread
    // Drops the pending job and cancels the running one; true when one was running or pending.
    bool cancel();  // any thread
    bool busy() const { return busy_; }  // a job runs or waits to

protected:
    // `f` run on home's thread, after everything this thread did before the call (thread_handoff.h).
    void sendHome(std::function<void()> f);

private:
    void process();  // the runner's thread

    QObject* home_;
    QMutex mutex_;
    std::optional<Job> pending_;
    bool scheduled_ = false;
    std::atomic<bool> cancel_{false};
    std::atomic<bool> busy_{false};
};

