#include "export_slot.h"

#include <QPointer>
#include <exception>

#include "latest_job.h"
#include "thread_handoff.h"

ExportSlot::ExportSlot() : runner_(new LatestJobRunner) { startWorkerThread(thread_, runner_); }

ExportSlot::~ExportSlot() { stopWorkerThread(thread_); }

bool ExportSlot::start(QObject* context, std::function<QStringList()> write, std::function<void(bool ok, const QString& message)> done) {
    if (busy_) return false;
    busy_ = true;
    runner_->submit([this, context = QPointer<QObject>(context), write = std::move(write), done = std::move(done)](const geo::SolveControl&) {
        QString message;
        bool ok = true;
        try {
            message = "Wrote " + write().join(", ");
        } catch (const std::exception& e) {
            ok = false;
            message = "Export failed (nothing was written): " + QString::fromStdString(e.what());
        }
        if (context) queueOn(context, [this, done, ok, message] {
            busy_ = false;
            done(ok, message);
        });
    }, false);
    return true;
}
