#include "model_service.h"

#include <QMetaObject>
#include <chrono>

#include "common/errors.h"

QString ModelService::slotName(Slot s) {
    switch (s) {
        case Slot::Sample: return "sample";
        case Slot::ImagePath: return "image path";
        case Slot::VideoAnalysis: return "video analysis";
    }
    return {};
}

void ModelService::Reporter::progress(const QString& what, int done, int total) const {
    Q_EMIT service_->jobProgress(slot_, id_, what, done, total);
}

void ModelService::Reporter::publish(const QVariant& snapshot) const { Q_EMIT service_->jobSnapshot(slot_, id_, snapshot); }

ModelService::ModelService(QObject* parent) : QObject(parent) {
    qRegisterMetaType<ModelInfo>();
    qRegisterMetaType<ModelService::Slot>();
    for (Worker& w : workers_) {
        w.runner = new LatestJobRunner;
        w.runner->moveToThread(&w.thread);
        connect(&w.thread, &QThread::finished, w.runner, &QObject::deleteLater);
        w.thread.start();
    }
}

ModelService::~ModelService() {
    for (Worker& w : workers_) w.runner->cancel();
    {
        std::lock_guard lock(mutex_);
        loadsFinished_ = loadsRequested_;  // wake jobs waiting for a load that will not be waited for
    }
    loadsDone_.notify_all();
    for (Worker& w : workers_) {
        w.thread.quit();
        w.thread.wait();
    }
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
                    Q_EMIT loadProgress(w, done, total);
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
            QMetaObject::invokeMethod(this, [this, info, error, path, request] {
                loadsShown_ = std::max(loadsShown_, request);
                if (!error.isEmpty()) return Q_EMIT loadFailed(path, error);
                current_ = info;
                Q_EMIT loaded(info);
            }, Qt::QueuedConnection);
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
        try {
            const QVariant result = job(modelAfterLoads(control), control, report);
            Q_EMIT jobFinished(slot, id, result, {}, false);
        } catch (const geo::Cancelled&) {
            Q_EMIT jobFinished(slot, id, {}, {}, true);
        } catch (const std::exception& e) {
            Q_EMIT jobFinished(slot, id, {}, QString::fromStdString(e.what()), false);
        }
    });
    return id;
}

bool ModelService::cancel(Slot slot) { return worker(slot).runner->cancel(); }
bool ModelService::isBusy(Slot slot) const { return worker(slot).runner->busy(); }

bool ModelService::isLoading() const {
    std::lock_guard lock(mutex_);
    return loadsShown_ < loadsRequested_;
}
