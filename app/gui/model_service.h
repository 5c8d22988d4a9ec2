#pragma once
// The loaded diffusion model, at window level: the model panel, the image mode and the video mode use it.
// Each kind of long job has its own slot (its own thread, latest request first), so a sample never
// cancels an interpolation. A load cancels the jobs running on the old model and says so
// (jobsCancelled); jobs submitted while it loads wait for it and run on the new model. Jobs report
// progress and results through this object's signals, which arrive on the GUI thread tagged with the
// job's id, so a receiver that is gone or has moved on to a newer job simply ignores them.
#include <QObject>
#include <QThread>
#include <QVariant>
#include <array>
#include <condition_variable>
#include <functional>
#include <memory>
#include <mutex>

#include "latest_job.h"
#include "model_jobs.h"

class ModelService : public QObject {
    Q_OBJECT
public:
    enum class Slot { Sample, ImagePath, VideoAnalysis };
    static QString slotName(Slot s);

    // What a running job may tell the GUI thread; safe to call from the job's thread.
    class Reporter {
    public:
        void progress(const QString& what, int done, int total) const;
        void publish(const QVariant& snapshot) const;  // a partial result (a live view's data)
        quint64 id() const { return id_; }

    private:
        friend class ModelService;
        Reporter(ModelService* s, Slot slot, quint64 id) : service_(s), slot_(slot), id_(id) {}
        ModelService* service_;
        Slot slot_;
        quint64 id_;
    };
    // Runs on the slot's thread with the model (null when none is loaded); returns the result, or
    // throws: geo::Cancelled ends it as cancelled, any other exception as failed with its message.
    using Job = std::function<QVariant(const std::shared_ptr<geo::DiffusionModel>& model, const geo::SolveControl& control, const Reporter& report)>;

    explicit ModelService(QObject* parent = nullptr);
    ~ModelService() override;  // cancels every job and waits for the threads

    // path empty: the shipped model. A failed load keeps the model it would have replaced.
    void load(const QString& path, const QString& device = "auto", const QString& dtype = "auto");
    // Replaces the slot's waiting job and cancels its running one; returns the new job's id.
    quint64 submit(Slot slot, Job job);
    bool cancel(Slot slot);        // true when a job was running or waiting
    bool isBusy(Slot slot) const;
    bool isLoading() const;  // until current() and the loaded/loadFailed signal reflect the last load
    bool hasModel() const { return !current_.description.isEmpty(); }
    const ModelInfo& current() const { return current_; }  // GUI thread

Q_SIGNALS:
    void loaded(ModelInfo info);
    void loadFailed(QString path, QString message);  // the previous model stays
    void loadProgress(QString what, int done, int total);
    void jobsCancelled(QString message);  // a load stopped running jobs
    void jobProgress(ModelService::Slot slot, quint64 id, QString what, int done, int total);
    void jobSnapshot(ModelService::Slot slot, quint64 id, QVariant snapshot);
    void jobFinished(ModelService::Slot slot, quint64 id, QVariant result, QString error, bool cancelled);

private:
    std::shared_ptr<geo::DiffusionModel> modelAfterLoads(const geo::SolveControl& control);  // job threads

    struct Worker {
        QThread thread;
        LatestJobRunner* runner = nullptr;
    };
    std::array<Worker, 4> workers_;  // the three job slots, then loading
    Worker& loader() { return workers_[3]; }
    Worker& worker(Slot s) { return workers_[static_cast<size_t>(s)]; }
    const Worker& worker(Slot s) const { return workers_[static_cast<size_t>(s)]; }

    mutable std::mutex mutex_;
    std::condition_variable loadsDone_;
    std::shared_ptr<geo::DiffusionModel> model_;
    quint64 loadsRequested_ = 0, loadsFinished_ = 0;  // job threads wait for these
    quint64 loadsShown_ = 0;                           // GUI thread: loads whose outcome is in current_
    std::atomic<quint64> nextId_{1};
    ModelInfo current_;
};
Q_DECLARE_METATYPE(ModelService::Slot)
