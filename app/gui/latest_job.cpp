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

void submitExport(LatestJobRunner& runner, QObject* context, std::function<QStringList()> write,
                  std::function<void(bool ok, const QString& message)> done) {
    runner.submit([context = QPointer<QObject>(context), write = std::move(write), done = std::move(done)](const geo::SolveControl&) {
        QString message;
        bool ok = true;
        try {
            message = "Wrote " + write().join(", ");
        } catch (const std::exception& e) {
            ok = false;
            message = "Export failed (nothing was written): " + QString::fromStdString(e.what());
        }
        if (context) queueOn(context, [done, ok, message] { done(ok, message); });
    }, false);
}
