#pragma once
// Solves toy-mode requests on its own thread, the latest first (latest_job.h). Results carry the
// request's stamp so that the window can ignore stale ones.
#include <memory>
#include <optional>

#include "latest_job.h"

#include "solver/graph_search.h"
#include "toy/toy_solve.h"

struct ToyRequest {
    quint64 stamp = 0;
    std::shared_ptr<const geo::Field> field;
    Eigen::Vector2d a, b;
    int points = 128;
    bool ivp = false;
    Eigen::Vector2d ivpStart, ivpVelocity;  // start point and initial direction
    double ivpLength = 1;                   // Euclidean arc length to trace
    int ivpSteps = 1000;
};

struct ToyResult {
    quint64 stamp = 0;
    bool final = true;                 // false: a snapshot during a long solve (path only)
    std::optional<geo::ToyBvpOutcome> bvp;
    geo::Points snapshotPath;
    geo::Points ivpPath;
    QString ivpError;                  // the IVP failed (the BVP result stands)
    QString error;                     // set when the request failed; the rest is then empty
};
using ToyResultPtr = std::shared_ptr<const ToyResult>;
Q_DECLARE_METATYPE(ToyResultPtr)

class ToySolverWorker : public LatestJobRunner {
    Q_OBJECT
public:
    explicit ToySolverWorker(QObject* home);
    void request(ToyRequest r);  // any thread

Q_SIGNALS:
    void resultReady(ToyResultPtr result);

private:
    ToyResultPtr solve(const ToyRequest& r, const geo::SolveControl& control);  // worker thread

    // The grid graph of the last field, reused while endpoints stay inside it.
    std::shared_ptr<const geo::Field> graphField_;
    std::unique_ptr<geo::GridGraph> graph_;
};
