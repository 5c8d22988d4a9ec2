#include "model_service.h"

#include <chrono>

#include "common/errors.h"
#include "thread_handoff.h"

QString ModelService::slotName(Slot s) {
    switch (s) {
        case Slot::Sample: return "sample";
        case Slot::ImagePath: return "image path";
        case Slot::VideoAnalysis: return "video analysis";
    }
    return {};
}

// Signals from job threads are emitted on the GUI thread, after a hand-off (thread_handoff.h).
void ModelService::Reporter::progress(const QString& what, int done, int total) const {
    queueOn(service_, [s = service_, slot = slot_, id = id_, what, done, total] { Q_EMIT s->jobProgress(slot, id, what, done, total); });
}

void ModelService::Reporter::publish(const QVariant& snapshot) const {
    queueOn(service_, [s = service_, slot = slot_, id = id_, snapshot] { Q_EMIT s->jobSnapshot(slot, id, snapshot); });
}

ModelService::ModelService(QObject* parent) : QObject(parent) {
    qRegisterMetaType<ModelInfo>();
    qRegisterMetaType<ModelService::Slot>();
    for (Worker& w : workers_) {
        w.runner = new LatestJobRunner;
        startWorkerThread(w.thread, w.runner);
    }
}

ModelService::~ModelService() {
    for (Worker& w : workers_) w.runner->cancel();
    {
        std::lock_guard lock(mutex_);
        loadsFinished_ = loadsRequested_;  // wake jobs waiting for a load that will not be waited for
    }
    loadsDone_.notify_all();
    for (Worker& w : workers_) stopWorkerThread(w.thread);
}

void ModelService::load(const QString& path, const QString& device, const QString& dtype) {
    QStringList stopped;
    for (Slot s : {Slot::Sample, Slot::ImagePath, Slot::VideoAnalysis})
        if (worker(s).runner->cancel()) stopped << "the running " + slotName(s);
    quint64 request;
    {
        std::lock_guard lock(mutex_);
        request = ++loadsRequested_;
    }
    const QString what = path.isEmpty() ? QString("the shipped model") : path;
    if (!stopped.isEmpty()) Q_EMIT jobsCancelled("Loading " + what + " cancelled " + stopped.join(" and ") + ".");
    // A load cannot stop halfway; a later load waits for it instead of cancelling it.
    loader().runner->submit(
        [this, path, device, dtype, request](const geo::SolveControl&) {
            ModelInfo info;
            std::shared_ptr<geo::DiffusionModel> m;
            QString error;
            try {
                m = loadDiffusionModel(path, device, dtype, [this](const QString& w, int done, int total) {
                    queueOn(this, [this, w, done, total] { Q_EMIT loadProgress(w, done, total); });
                }, info);
            } catch (const std::exception& e) {
                error = QString::fromStdString(e.what());
            }
            {
                std::lock_guard lock(mutex_);
                if (m) model_ = m;
                loadsFinished_ = std::max(loadsFinished_, request);
            }
            loadsDone_.notify_all();
            queueOn(this, [this, info, error, path, request] {
                loadsShown_ = std::max(loadsShown_, request);
                if (!error.isEmpty()) return Q_EMIT loadFailed(path, error);
                current_ = info;
                Q_EMIT loaded(info);
            });
        },
        false);
}

std::shared_ptr<geo::DiffusionModel> ModelService::modelAfterLoads(const geo::SolveControl& control) {
    std::unique_lock lock(mutex_);
    while (loadsFinished_ < loadsRequested_) {
        loadsDone_.wait_for(lock, std::chrono::milliseconds(20));
        control.throwIfCancelled();
    }
    return model_;
}

quint64 ModelService::submit(Slot slot, Job job) {
    const quint64 id = nextId_++;
    worker(slot).runner->submit([this, slot, id, job = std::move(job)](const geo::SolveControl& control) {
        const Reporter report(this, slot, id);
        QVariant result;
        QString error;
        bool cancelled = false;
        try {
            result = job(modelAfterLoads(control), control, report);
        } catch (const geo::Cancelled&) {
            cancelled = true;
        } catch (const std::exception& e) {
            error = QString::fromStdString(e.what());
        }
        queueOn(this, [this, slot, id, result, error, cancelled] { Q_EMIT jobFinished(slot, id, result, error, cancelled); });
    });
    return id;
}

bool ModelService::cancel(Slot slot) { return worker(slot).runner->cancel(); }
bool ModelService::isBusy(Slot slot) const { return worker(slot).runner->busy(); }

bool ModelService::isLoading() const {
    std::lock_guard lock(mutex_);
    return loadsShown_ < loadsRequested_;
}
