#include "toy_worker.h"

#include <chrono>

#include "solver/density_ivp.h"

ToySolverWorker::ToySolverWorker(QObject* home) : LatestJobRunner(home) { qRegisterMetaType<ToyResultPtr>(); }

void ToySolverWorker::request(ToyRequest r) {
    submit([this, r = std::move(r)](const geo::SolveControl& control) {
        if (ToyResultPtr result = solve(r, control)) sendHome([this, result] { Q_EMIT resultReady(result); });
    });
}

ToyResultPtr ToySolverWorker::solve(const ToyRequest& r, const geo::SolveControl& control) {
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
        auto snapshot = [&](const geo::BvpSnapshot& s) {
            const auto now = std::chrono::steady_clock::now();
            if (s.stage == "done" || now - last < std::chrono::milliseconds(33)) return;
            last = now;
            auto partial = std::make_shared<ToyResult>();
            partial->stamp = r.stamp;
            partial->final = false;
            partial->snapshotPath = *s.path;
            sendHome([this, partial] { Q_EMIT resultReady(partial); });
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
