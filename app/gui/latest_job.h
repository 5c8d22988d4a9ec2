#pragma once
// Runs jobs on the thread it lives on, the latest first: submitting a job cancels the one running (its
// SolveControl reports cancellation) and replaces any that has not started. Workers derive from it and
// publish their results by signals.
#include <QMutex>
#include <QObject>
#include <atomic>
#include <functional>
#include <optional>

#include "solver/solve_control.h"

class LatestJobRunner : public QObject {
    Q_OBJECT
public:
    using Job = std::function<void(const geo::SolveControl&)>;
    void submit(Job job);  // any thread

private:
    void process();  // the runner's thread

    QMutex mutex_;
    std::optional<Job> pending_;
    bool scheduled_ = false;
    std::atomic<bool> cancel_{false};
};
