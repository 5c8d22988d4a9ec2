// geodesic-cli tps: transition paths between two minima of a 2-D Boltzmann system along its spacetime
// geodesic, their maximum energies and the minimax lower bound.
#include <iostream>
#include <memory>

#include "cli_values.h"
#include "common/errors.h"
#include "spacetime/transition_paths.h"
#include "spacetime_commands.h"

namespace cli {

namespace {

nlohmann::json pointsJson(const geo::Points& p) {
    nlohmann::json rows = nlohmann::json::array();
    for (Eigen::Index i = 0; i < p.rows(); ++i) rows.push_back({p(i, 0), p(i, 1)});
    return rows;
}

}  // namespace

void addTpsCommand(CLI::App& app, std::function<int()>& run) {
    struct Tps {
        std::string preset, constraint = "none", json;
        int paths = 8, points = 128, stepsPerPoint = 128;
        double stepSize = 4e-4;
        unsigned long long seed = 1;
        bool allStates = false;
    };
    auto o = std::make_shared<Tps>();
    auto* c = app.add_subcommand("tps", "transition paths along the spacetime geodesic between two minima of a 2-D Boltzmann system");
    c->add_option("--preset", o->preset, "mueller-brown (also spelt muller-brown) or two-routes (a Gaussian-mixture potential)")->required();
    c->add_option("--constraint", o->constraint, "none, low-variance or avoid");
    c->add_option("--paths", o->paths, "Langevin chains to run");
    c->add_option("--points", o->points, "points on the geodesic");
    c->add_option("--steps-per-point", o->stepsPerPoint, "Langevin steps at each point of the geodesic");
    c->add_option("--step-size", o->stepSize, "Langevin step ds");
    c->add_option("--seed", o->seed, "seed of the Langevin noise");
    c->add_flag("--all-states", o->allStates, "write every Langevin state (N*K + 1 per path), not one per geodesic point");
    c->add_option("--json", o->json, "write the JSON result here instead of standard output");
    c->callback([&run, o] {
        run = [o] {
            const geo::TpsConstraint constraint = geo::parseTpsConstraint(o->constraint);
            if (o->paths < 1 || o->points < 3 || o->stepsPerPoint < 1 || !(o->stepSize > 0 && o->stepSize < 1))
                throw geo::InputError("--paths and --steps-per-point need 1 or more, --points 3 or more, --step-size a number in (0, 1)");
            const geo::TpsSystem system = geo::tpsSystem(o->preset);
            const auto start = std::chrono::steady_clock::now();
            geo::TpsOptions options;
            options.points = o->points;
            options.constraint = constraint;
            std::cerr << "tps: solving the " << geo::tpsConstraintName(constraint) << " geodesic on " << system.name << "…\n";
            const geo::TpsGeodesic g = geo::solveTransitionGeodesic(system, options);
            const double solveSeconds = secondsSince(start);
            std::cerr << "tps: " << o->paths << " Langevin chains, " << o->points << " × " << o->stepsPerPoint << " steps each…\n";
            geo::LangevinSettings langevin;
            langevin.paths = o->paths;
            langevin.stepsPerPoint = o->stepsPerPoint;
            langevin.stepSize = o->stepSize;
            langevin.seed = o->seed;
            const std::vector<geo::Points> paths = geo::sampleTransitionPaths(*system.data, g.bvp.path, langevin);
            const geo::TpsLowerBound bound = geo::minimaxLowerBound(system);

            nlohmann::json j;
            j["system"] = system.name;
            j["description"] = system.description;
            j["constraint"] = geo::tpsConstraintName(constraint);
            j["geodesic"] = spacetimePathJson(g.bvp.path, g.bvp.energy, solveSeconds);
            j["geodesic"]["min_lambda"] = geo::LinearLogSnr().lambda(g.bvp.path.t.maxCoeff());
            j["geodesic"]["kl_change_min"] = g.klChange.minCoeff();
            j["geodesic"]["solves"] = g.stages;
            j["geodesic"]["steps"] = g.bvp.steps;
            std::vector<double> energies;
            nlohmann::json written = nlohmann::json::array();
            for (const geo::Points& p : paths) {
                energies.push_back(geo::maxEnergy(system, p));
                written.push_back(pointsJson(o->allStates ? p : geo::statesAtCurvePoints(p, o->stepsPerPoint)));
            }
            const geo::EnergySpread spread = geo::meanAndSpread(energies);
            j["paths"] = written;
            j["path_states"] = o->allStates ? "every Langevin state" : "the state after each geodesic point's Langevin steps";
            j["max_energies"] = energies;
            j["max_energy_mean"] = spread.mean;
            j["max_energy_std"] = spread.std;
            j["lower_bound"] = bound.barrier;
            j["lower_bound_path"] = pointsJson(bound.path);
            j["langevin"] = {{"steps_per_point", o->stepsPerPoint}, {"step_size", o->stepSize}, {"seed", o->seed}};
            j["seconds"] = secondsSince(start);
            emitJson(j, o->json);
            return 0;
        };
    });
}

}  // namespace cli
