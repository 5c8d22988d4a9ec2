#include "batch_commands.h"

#include <atomic>
#include <csignal>
#include <cstdio>
#include <iostream>
#include <memory>

#include "cli_values.h"
#include "common/errors.h"
#include "evaluation/batch_report.h"
#include "image_options.h"
#include "io/image_io.h"
#include "pipeline/pair_evaluation.h"

namespace fs = std::filesystem;

namespace cli {

namespace {

std::atomic<bool> interrupted{false};

struct BatchOptions {
    ImageOptions solve;
    std::string pairs, out, shard = "0/1";
};

int runBatch(const BatchOptions& o) {
    const auto [shard, shards] = geo::parseShard(o.shard);
    const std::vector<geo::ImagePair> pairs = geo::readPairsCsv(o.pairs);
    std::vector<geo::ImagePair> mine;
    for (const geo::ImagePair& p : pairs)
        if (p.index % shards == shard) mine.push_back(p);
    for (const geo::ImagePair& p : mine)
        for (const fs::path& f : {p.a, p.b}) geo::readImageAsSquare(f, 8);  // every file readable before any work
    fs::create_directories(o.out);
    int skipped = 0;
    std::vector<const geo::ImagePair*> todo;
    for (const geo::ImagePair& p : mine) {
        if (geo::pairFinished(fs::path(o.out) / p.name)) ++skipped;
        else todo.push_back(&p);
    }
    std::fprintf(stderr, "shard %d/%d: %zu of %zu pairs, %d finished before, %zu to run\n", shard, shards, mine.size(), pairs.size(), skipped, todo.size());
    if (todo.empty()) return 0;
    const auto model = loadModel(o.solve.model);
    std::cerr << "model " << model->describe() << '\n';
    const geo::ImagePipelineOptions p = pipelineOptions(o.solve, *model);
    interrupted = false;
    auto previous = std::signal(SIGINT, [](int) { interrupted = true; });
    const geo::SolveControl control{&interrupted};
    int done = 0;
    try {
        for (const geo::ImagePair* pair : todo) {
            const auto start = std::chrono::steady_clock::now();
            const nlohmann::json r = geo::evaluatePair(model, *pair, fs::path(o.out) / pair->name, p, control, {});
            ++done;
            std::printf("%s (%d/%zu): log length geodesic %.4f, baseline %.4f; %.1f s\n", pair->name.c_str(), done, todo.size(),
                        r["geodesic"].value("log_length", NAN), r["baseline"].value("log_length", NAN), secondsSince(start));
            std::fflush(stdout);
        }
    } catch (...) {
        std::signal(SIGINT, previous);
        throw;
    }
    std::signal(SIGINT, previous);
    return 0;
}

int runReport(const std::vector<std::string>& dirs, const std::string& out) {
    std::vector<std::string> warnings;
    std::vector<fs::path> folders(dirs.begin(), dirs.end());
    const std::vector<nlohmann::json> results = geo::collectPairResults(folders, warnings);
    const geo::BatchReportFiles f = geo::writeBatchReport(results, out);
    for (const std::string& w : warnings) std::fprintf(stderr, "geodesic-cli: note: %s\n", w.c_str());
    std::printf("%d pairs: %s, %s, %s, %s", f.pairs, f.markdown.c_str(), f.csv.c_str(), f.summary.c_str(), f.timings.c_str());
    for (const fs::path& p : f.plots) std::printf(", %s", p.c_str());
    std::printf("\n");
    return 0;
}

}  // namespace

void addBatchCommands(CLI::App& app, std::function<int()>& run) {
    auto b = std::make_shared<BatchOptions>();
    auto* bc = app.add_subcommand("batch", "every pair of a CSV: the geodesic, the slerp baseline and their metrics, one folder per pair; resumable and shardable");
    bc->add_option("pairs", b->pairs, "CSV of pairs: a,b[,name] per line, paths relative to the CSV (geodesic-cli scenes --pairs writes one)")->required();
    bc->add_option("--out", b->out, "results folder: one sub-folder per pair, finished ones hold result.json")->required();
    bc->add_option("--shard", b->shard, "I/N: run every N-th pair starting at the I-th (0-based; default 0/1, all)");
    addSolveOptions(bc, b->solve, true);
    bc->callback([&run, b] { run = [b] { return runBatch(*b); }; });

    auto dirs = std::make_shared<std::vector<std::string>>();
    auto out = std::make_shared<std::string>();
    auto* rc = app.add_subcommand("batch-report", "merge the results of batch runs (any number of shards) into tables (CSV, Markdown) and plots");
    rc->add_option("results", *dirs, "results folders of batch --out (one, or one per shard)")->required();
    rc->add_option("--out", *out, "report folder (created when missing)")->required();
    rc->callback([&run, dirs, out] { run = [dirs, out] { return runReport(*dirs, *out); }; });
}

}  // namespace cli
