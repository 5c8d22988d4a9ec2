#pragma once
// A mode's export: written off the GUI thread on a worker of its own, one at a time, never
// interrupted by the next request. Image and video modes both export through one.
#include <QObject>
#include <QString>
#include <QStringList>
#include <QThread>
#include <functional>

class LatestJobRunner;

class ExportSlot {
public:
    ExportSlot();   // starts the worker thread
    ~ExportSlot();  // lets a write in progress finish, then joins the thread
    ExportSlot(const ExportSlot&) = delete;
    ExportSlot& operator=(const ExportSlot&) = delete;

    bool isBusy() const { return busy_; }
    // False, with nothing started, while one is being written. `write` returns the files it wrote or
    // throws; `done` gets (true, "Wrote a, b") or (false, "Export failed (nothing was written): why")
    // on context's thread, after the slot is free again, unless context is gone by then.
    bool start(QObject* context, std::function<QStringList()> write, std::function<void(bool ok, const QString& message)> done);

private:
    QThread thread_;
    LatestJobRunner* runner_ = nullptr;
    bool busy_ = false;  // GUI thread only
};
