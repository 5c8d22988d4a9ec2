// geodesic-cli: everything the GUI does, without a display. Invalid input prints one line on
// standard error and exits with status 2.
#include <csignal>
#include <CLI/CLI.hpp>
#include <iostream>

#include "analysis_commands.h"
#include "batch_commands.h"
#include "common/errors.h"
#include "image_commands.h"
#include "model_commands.h"
#include "scene_commands.h"
#include "sd_commands.h"
#include "spacetime_commands.h"
#include "spacetime_image_commands.h"
#include "toy_commands.h"
#include "train_commands.h"

int main(int argc, char** argv) {
    // Past a file size limit (ulimit -f) a write should fail with EFBIG and be reported like a full
    // disk, not end the process with SIGXFSZ halfway through an export.
    std::signal(SIGXFSZ, SIG_IGN);
    CLI::App app{"Geodesic Explorer, headless: density and spacetime geodesics of diffusion models"};
    app.set_version_flag("--version", std::string(GEODESIC_VERSION));
    app.require_subcommand(1);
    std::function<int()> run;
    cli::addToyCommands(app, run);
    cli::addSpacetimeCommands(app, run);
    cli::addSpacetimeImageCommands(app, run);
    cli::addTpsCommand(app, run);
    cli::addSceneCommands(app, run);
    cli::addTrainCommands(app, run);
    cli::addModelCommands(app, run);
    cli::addSdCommands(app, run);
    cli::addImageCommands(app, run);
    cli::addAnalysisCommands(app, run);
    cli::addBatchCommands(app, run);
    try {
        app.parse(argc, argv);
    } catch (const CLI::ParseError& e) {
        if (e.get_exit_code() == 0) return app.exit(e);  // --help, --version
        std::cerr << "geodesic-cli: " << e.what() << " (see --help)\n";
        return 2;
    }
    try {
        return run ? run() : 0;
    } catch (const geo::Cancelled&) {
        std::cerr << "geodesic-cli: cancelled; nothing was written\n";
        return 2;
    } catch (const geo::InputError& e) {
        std::cerr << "geodesic-cli: " << e.what() << '\n';
        return 2;
    } catch (const std::exception& e) {
        std::cerr << "geodesic-cli: internal error: " << e.what() << '\n';
        return 1;
    }
}
