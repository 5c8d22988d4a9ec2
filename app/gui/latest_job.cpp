#include "latest_job.h"

#include <QPointer>

#include "thread_handoff.h"

void LatestJobRunner::submit(Job job, bool interruptRunning) {
    QMutexLocker lock(&mutex_);
    pending_ = std::move(job);
    busy_ = true;
    if (interruptRunning) cancel_ = true;  // whatever runs now is stale
    if (!scheduled_) {
        scheduled_ = true;
        queueOn(this, [this] { process(); });
    }
}

bool LatestJobRunner::cancel() {
    QMutexLocker lock(&mutex_);
    const bool any = busy_;
    pending_.reset();
    cancel_ = true;
    return any;
}

void LatestJobRunner::sendHome(std::function<void()> f) { queueOn(home_, std::move(f)); }

void LatestJobRunner::process() {
    for (;;) {
        Job job;
        {
            QMutexLocker lock(&mutex_);
            if (!pending_) {
                scheduled_ = false;
                busy_ = false;
                return;
            }
            job = std::move(*pending_);
            pending_.reset();
            cancel_ = false;
        }
        job(geo::SolveControl{&cancel_});
    }
}
