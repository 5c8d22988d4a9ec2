#include "toy_commands.h"

#include <iostream>
#include <memory>

#include "cli_values.h"
#include "common/atomic_file.h"
#include "common/errors.h"
#include "curve/polyline.h"
#include "toy/toy_export.h"
#include "render/figure1.h"
#include "solver/density_ivp.h"
#include "toy/presets.h"
#include "toy/toy_solve.h"

namespace cli {

namespace {

using geo::InputError;

Eigen::Vector2d parsePair(const std::string& text, const std::string& option) {
    return parseNumbers(text, option, 2, "two numbers as X,Y");
}

struct SceneOptions {
    std::string field, preset;
    std::string from, to;

    void add(CLI::App* cmd, const char* fromHelp) {
        auto* f = cmd->add_option("--field", field, "field JSON file");
        auto* p = cmd->add_option("--preset", preset, "preset name (see `geodesic-cli presets`)");
        f->excludes(p);
        cmd->add_option("--from", from, fromHelp);
    }
    geo::ToyScene scene() const {
        if (field.empty() && preset.empty()) throw InputError("give a field with --field FILE.json or --preset NAME");
        geo::ToyScene s = field.empty() ? geo::preset(preset) : geo::sceneFromFile(field);
        if (!from.empty()) s.from = parsePair(from, "--from");
        if (!to.empty()) s.to = parsePair(to, "--to");
        return s;
    }
};

}  // namespace

void addToyCommands(CLI::App& app, std::function<int()>& run) {
    auto* toy = app.add_subcommand("toy", "2-D toy densities: density geodesics");
    toy->require_subcommand(1);

    // toy bvp
    auto bvp = std::make_shared<SceneOptions>();
    auto bvpOut = std::make_shared<std::string>();
    auto bvpCsv = std::make_shared<std::string>();
    auto points = std::make_shared<int>(128);
    auto* b = toy->add_subcommand("bvp", "shortest path between two points (graph search, then refinement)");
    bvp->add(b, "start point A as X,Y (default: the scene's)");
    b->add_option("--to", bvp->to, "end point B as X,Y (default: the scene's)");
    b->add_option("--points", *points, "points on the path (3 or more)");
    b->add_option("--json", *bvpOut, "write the JSON result here instead of standard output");
    b->add_option("--csv", *bvpCsv, "also write both paths as CSV here");
    b->callback([&run, bvp, bvpOut, bvpCsv, points] {
        run = [bvp, bvpOut, bvpCsv, points] {
            const geo::ToyScene s = bvp->scene();
            geo::BvpOptions o;
            o.points = *points;
            const geo::ToyBvpOutcome r = geo::solveToyBvp(*s.field, s.from, s.to, o);
            emitJson(geo::toyBvpJson(r), *bvpOut);
            if (!bvpCsv->empty()) geo::writeFileAtomically(*bvpCsv, geo::toyBvpCsv(r));
            return 0;
        };
    });

    // toy ivp
    auto ivp = std::make_shared<SceneOptions>();
    auto velocity = std::make_shared<std::string>();
    auto length = std::make_shared<double>(0);
    auto steps = std::make_shared<int>(1000);
    auto ivpOut = std::make_shared<std::string>();
    auto* i = toy->add_subcommand("ivp", "shoot a geodesic from a point in a direction (RK4)");
    ivp->add(i, "start point as X,Y (default: the scene's A)");
    i->add_option("--velocity", *velocity, "initial direction as VX,VY")->required();
    i->add_option("--length", *length, "Euclidean arc length to trace")->required();
    i->add_option("--steps", *steps, "RK4 steps");
    i->add_option("--json", *ivpOut, "write the JSON result here instead of standard output");
    i->callback([&run, ivp, velocity, length, steps, ivpOut] {
        run = [ivp, velocity, length, steps, ivpOut] {
            const geo::ToyScene s = ivp->scene();
            const Eigen::Vector2d v = parsePair(*velocity, "--velocity");
            const geo::Points path = geo::shootDensityGeodesic(*s.field, s.from, v, *length, *steps);
            emitJson(geo::toyIvpJson(path, s.field->logDensity(path)), *ivpOut);
            return 0;
        };
    });

    // figure1
    auto dir = std::make_shared<std::string>();
    auto figPreset = std::make_shared<std::string>("figure1");
    auto* f = app.add_subcommand("figure1", "render Figure 1 (landscape, paths, density along them) as PNG and CSV");
    f->add_option("--out", *dir, "output folder (created when missing)")->required();
    f->add_option("--preset", *figPreset, "the scene to draw");
    f->callback([&run, dir, figPreset] {
        run = [dir, figPreset] {
            const geo::Figure1Files files = geo::writeFigure1(geo::preset(*figPreset), *dir);
            std::cout << files.png.string() << '\n'
                      << files.pathsCsv.string() << '\n'
                      << files.fieldCsv.string() << '\n'
                      << files.summaryJson.string() << '\n';
            return 0;
        };
    });

    // presets
    auto* p = app.add_subcommand("presets", "list the toy presets");
    p->callback([&run] {
        run = [] {
            for (const auto& name : geo::presetNames()) std::cout << name << "  " << geo::preset(name).description << '\n';
            return 0;
        };
    });
}

}  // namespace cli
