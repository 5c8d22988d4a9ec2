#pragma once
// Solves spacetime requests on its own thread, the latest first (latest_job.h): the geodesic of a
// 1-D mixture's (x, t) plane with its probability-flow trajectory, the geodesic between two points
// of a 2-D field with its posterior means, and transition paths on a 2-D Boltzmann system.
#include <memory>
#include <vector>

#include "latest_job.h"
#include "spacetime/spacetime_bvp.h"
#include "spacetime/transition_paths.h"

struct SpacetimeRequest {
    enum class Kind { Plane, Geodesic, TransitionPaths } kind = Kind::Geodesic;
    quint64 stamp = 0;
    std::shared_ptr<const geo::Denoiser> denoiser;  // Plane and Geodesic
    Eigen::VectorXd from, to;                       // [x…, t]
    int points = 64;
    bool quick = false;          // while dragging: a few L-BFGS steps from the last curve
    Eigen::MatrixXd warmStart;   // that curve's spline weights (empty: the straight line)
    std::shared_ptr<const geo::TpsSystem> system;   // TransitionPaths, endpoints from `from`/`to`
    geo::TpsConstraint constraint = geo::TpsConstraint::None;
    int paths = 8;
};

struct SpacetimeResult {
    quint64 stamp = 0;
    SpacetimeRequest::Kind kind = SpacetimeRequest::Kind::Geodesic;
    bool quick = false;
    QString error;
    geo::SpacetimeBvpResult bvp;
    geo::Points posteriorMean;           // E[x₀ | γ_n] along the geodesic (Plane and Geodesic)
    geo::SpacetimePath flow;             // Plane: the probability-flow trajectory
    geo::SpacetimeEnergy flowEnergy;
    std::vector<geo::Points> paths;      // TransitionPaths: one state per geodesic point
    std::vector<double> maxEnergies;
    geo::TpsConstraint constraint = geo::TpsConstraint::None;
    geo::TpsLowerBound bound;
    double klMin = 0;
    double seconds = 0;
};
using SpacetimeResultPtr = std::shared_ptr<const SpacetimeResult>;
Q_DECLARE_METATYPE(SpacetimeResultPtr)

class SpacetimeWorker : public LatestJobRunner {
    Q_OBJECT
public:
    explicit SpacetimeWorker(QObject* home);
    void request(SpacetimeRequest r);  // any thread

Q_SIGNALS:
    void resultReady(SpacetimeResultPtr result);
    void progress(QString what);

private:
    SpacetimeResultPtr solve(const SpacetimeRequest& r, const geo::SolveControl& control);
    void solveTransitionPaths(const SpacetimeRequest& r, const geo::SolveControl& control, SpacetimeResult& out);

    // The lower bound of the last system, which depends only on its endpoints.
    std::shared_ptr<const geo::TpsSystem> boundSystem_;
    Eigen::VectorXd boundFrom_, boundTo_;
    geo::TpsLowerBound bound_;
};
