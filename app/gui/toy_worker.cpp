#include "toy_worker.h"

#include <QMetaObject>
#include <chrono>

#include "solver/density_ivp.h"

ToySolverWorker::ToySolverWorker() { qRegisterMetaType<ToyResultPtr>(); }

void ToySolverWorker::request(ToyRequest r) {
    QMutexLocker lock(&mutex_);
    pending_ = std::move(r);
    cancel_ = true;  // whatever runs now is stale
    if (!scheduled_) {
        scheduled_ = true;
        QMetaObject::invokeMethod(this, &ToySolverWorker::process, Qt::QueuedConnection);
    }
}

void ToySolverWorker::process() {
    for (;;) {
        ToyRequest r;
        {
            QMutexLocker lock(&mutex_);
            if (!pending_) {
                scheduled_ = false;
                return;
            }
            r = std::move(*pending_);
            pending_.reset();
            cancel_ = false;
        }
        if (ToyResultPtr result = solve(r)) Q_EMIT resultReady(result);
    }
}

ToyResultPtr ToySolverWorker::solve(const ToyRequest& r) {
    auto result = std::make_shared<ToyResult>();
    result->stamp = r.stamp;
    try {
        geo::BvpOptions options;
        options.points = r.points;
        if (r.field->dim() == 2 && r.field->hasLogDensity()) {
            if (graphField_ != r.field || !graph_ || !graph_->covers(r.a) || !graph_->covers(r.b)) {
                graph_ = std::make_unique<geo::GridGraph>(*r.field, geo::graphSearchBox(*r.field, r.a, r.b), options.gridSize);
                graphField_ = r.field;
            }
            options.graph = graph_.get();
        }
        // Long solves publish snapshots, at most 30 a second.
        auto last = std::chrono::steady_clock::now();
        const geo::SolveControl control{&cancel_};
        auto snapshot = [&](const geo::BvpSnapshot& s) {
            const auto now = std::chrono::steady_clock::now();
            if (s.stage == "done" || now - last < std::chrono::milliseconds(33)) return;
            last = now;
            auto partial = std::make_shared<ToyResult>();
            partial->stamp = r.stamp;
            partial->final = false;
            partial->snapshotPath = *s.path;
            Q_EMIT resultReady(partial);
        };
        result->bvp = geo::solveToyBvp(*r.field, r.a, r.b, options, control, snapshot);
        if (r.ivp && r.ivpVelocity.norm() > 0) {
            try {
                result->ivpPath = geo::shootDensityGeodesic(*r.field, r.ivpStart, r.ivpVelocity, r.ivpLength, r.ivpSteps, control);
            } catch (const geo::InputError& e) {
                result->ivpError = QString::fromStdString(e.what());
            }
        }
    } catch (const geo::Cancelled&) {
        return nullptr;  // a newer request is waiting
    } catch (const std::exception& e) {
        result->bvp.reset();
        result->error = QString::fromStdString(e.what());
    }
    return result;
}
