#include "spacetime_commands.h"

#include <chrono>
#include <memory>

#include "cli_values.h"
#include "common/errors.h"
#include "spacetime/pf_ode.h"
#include "spacetime/spacetime_bvp.h"
#include "spacetime/spacetime_fields.h"

namespace cli {

namespace {

using geo::InputError;

struct DataOptions {
    std::string field, preset;
    void add(CLI::App* cmd) {
        auto* f = cmd->add_option("--field", field, "Gaussian-mixture field JSON file, any dimension");
        auto* p = cmd->add_option("--preset", preset, "mixture-1d (the paper's 1-D toy) or a mixture preset of the toy mode");
        f->excludes(p);
    }
    std::shared_ptr<const geo::Denoiser> denoiser() const {
        if (field.empty() && preset.empty()) throw InputError("give the data with --field FILE.json or --preset NAME");
        return field.empty() ? geo::spacetimeDenoiserFromPreset(preset) : geo::spacetimeDenoiserFromFile(field);
    }
};

// Points "X1,...,XD" (with ",T" when `withTime`) for data of dimension d.
Eigen::VectorXd parsePoint(const std::string& text, const std::string& option, int d, bool withTime) {
    const int count = d + (withTime ? 1 : 0);
    return parseNumbers(text, option, count, std::to_string(count) + " numbers as " + (d == 1 ? std::string("X") : "X1,...,X" + std::to_string(d)) + (withTime ? ",T" : ""));
}

}  // namespace

nlohmann::json spacetimePathJson(const geo::SpacetimePath& p, const geo::SpacetimeEnergy& e, double seconds) {
    nlohmann::json points = nlohmann::json::array();
    for (Eigen::Index i = 0; i < p.x.rows(); ++i) {
        nlohmann::json row = nlohmann::json::array();
        for (Eigen::Index k = 0; k < p.x.cols(); ++k) row.push_back(p.x(i, k));
        row.push_back(p.t[i]);
        points.push_back(row);
    }
    return {{"points", points},
            {"energy", e.codeEnergy},
            {"energy_continuous", e.energy},
            {"length", e.length},
            {"negative_segments", e.negativeSegments},
            {"schedule", "VP, lambda(t) = 10 - 20 t"},
            {"seconds", seconds}};
}

namespace {

void checkTime(double t, const std::string& what) {
    if (!(t > 0 && t <= 1)) throw InputError(what + " must lie in (0, 1]");
}

}  // namespace

void addSpacetimeCommands(CLI::App& app, std::function<int()>& run) {
    auto* st = app.add_subcommand("spacetime", "spacetime (Fisher-Rao) geodesics of denoising posteriors, exact for mixtures");
    st->require_subcommand(1);

    struct Bvp {
        DataOptions data;
        std::string from, to, json;
        int points = 512, nodes = 10;
    };
    auto bvp = std::make_shared<Bvp>();
    auto* b = st->add_subcommand("bvp", "the least-energy spacetime curve between two points (x, t)");
    bvp->data.add(b);
    b->add_option("--from", bvp->from, "start as X1,...,XD,T")->required();
    b->add_option("--to", bvp->to, "end as X1,...,XD,T")->required();
    b->add_option("--points", bvp->points, "points on the curve (3 or more)");
    b->add_option("--nodes", bvp->nodes, "spline nodes (2 or more)");
    b->add_option("--json", bvp->json, "write the JSON result here instead of standard output");
    b->callback([&run, bvp] {
        run = [bvp] {
            const auto denoiser = bvp->data.denoiser();
            const Eigen::VectorXd from = parsePoint(bvp->from, "--from", denoiser->dim(), true), to = parsePoint(bvp->to, "--to", denoiser->dim(), true);
            checkTime(from[from.size() - 1], "--from's time");
            checkTime(to[to.size() - 1], "--to's time");
            if (bvp->points < 3 || bvp->nodes < 2) throw InputError("--points needs 3 or more and --nodes 2 or more");
            geo::SpacetimeBvpOptions o;
            o.points = bvp->points;
            o.nodes = bvp->nodes;
            const auto start = std::chrono::steady_clock::now();
            const geo::SpacetimeBvpResult r = geo::solveSpacetimeBvp(*denoiser, geo::LinearLogSnr(), from, to, o);
            nlohmann::json j = spacetimePathJson(r.path, r.energy, secondsSince(start));
            j["steps"] = r.steps;
            j["converged"] = r.converged;
            emitJson(j, bvp->json);
            return 0;
        };
    });

    struct Pf {
        DataOptions data;
        std::string xT, json;
        double tMin = 0.1;
        int steps = 512;
    };
    auto pf = std::make_shared<Pf>();
    auto* p = st->add_subcommand("pfode", "the probability-flow ODE from t = 1 down to t-min (Euler) and its energy");
    pf->data.add(p);
    p->add_option("--x-T", pf->xT, "start at t = 1 as X1,...,XD")->required();
    p->add_option("--t-min", pf->tMin, "where to stop");
    p->add_option("--steps", pf->steps, "Euler steps");
    p->add_option("--json", pf->json, "write the JSON result here instead of standard output");
    p->callback([&run, pf] {
        run = [pf] {
            const auto denoiser = pf->data.denoiser();
            const Eigen::VectorXd x = parsePoint(pf->xT, "--x-T", denoiser->dim(), false);
            checkTime(pf->tMin, "--t-min");
            if (pf->tMin >= 1) throw InputError("--t-min must be below 1");
            if (pf->steps < 1) throw InputError("--steps must be 1 or more");
            const auto start = std::chrono::steady_clock::now();
            const geo::LinearLogSnr schedule;
            const geo::SpacetimePath path = geo::integrateProbabilityFlow(*denoiser, schedule, x, 1.0, pf->tMin, pf->steps);
            const geo::SpacetimeEnergy e = geo::spacetimeEnergy(*denoiser, schedule, path);
            emitJson(spacetimePathJson(path, e, secondsSince(start)), pf->json);
            return 0;
        };
    });

    struct Edit {
        DataOptions data;
        std::string a, b, json;
        double tMin = 0.1;
        int points = 512;
    };
    auto ed = std::make_shared<Edit>();
    auto* e = st->add_subcommand("edit-distance", "Diffusion Edit Distance: the length of the spacetime geodesic between two data points at t-min");
    ed->data.add(e);
    e->add_option("--a", ed->a, "first point as X1,...,XD")->required();
    e->add_option("--b", ed->b, "second point as X1,...,XD")->required();
    e->add_option("--t-min", ed->tMin, "time both ends are anchored at (clean data itself is infinitely far)");
    e->add_option("--points", ed->points, "points on the geodesic");
    e->add_option("--json", ed->json, "write the JSON result here instead of standard output");
    e->callback([&run, ed] {
        run = [ed] {
            const auto denoiser = ed->data.denoiser();
            const int d = denoiser->dim();
            checkTime(ed->tMin, "--t-min");
            if (ed->points < 3) throw InputError("--points needs 3 or more");
            Eigen::VectorXd from(d + 1), to(d + 1);
            from << parsePoint(ed->a, "--a", d, false), ed->tMin;
            to << parsePoint(ed->b, "--b", d, false), ed->tMin;
            geo::SpacetimeBvpOptions o;
            o.points = ed->points;
            const auto start = std::chrono::steady_clock::now();
            const geo::SpacetimeBvpResult r = geo::solveSpacetimeBvp(*denoiser, geo::LinearLogSnr(), from, to, o);
            nlohmann::json j = spacetimePathJson(r.path, r.energy, secondsSince(start));
            j["distance"] = r.energy.length;
            j["t_min"] = ed->tMin;
            j["converged"] = r.converged;
            emitJson(j, ed->json);
            return 0;
        };
    });
}

}  // namespace cli
