#include "evaluation/batch_report.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <map>
#include <sstream>

#include "common/atomic_file.h"
#include "common/errors.h"
#include "io/json_file.h"
#include "render/line_plot.h"

namespace fs = std::filesystem;

namespace geo {

namespace {

struct Measure {
    const char* key;
    const char* label;
    bool lowerIsBetter;
};

// What the report compares; every one is computed identically for the geodesic and the baseline.
const Measure kMeasures[] = {
    {"log_length", "log density-weighted length", true},
    {"lowest_log_density", "lowest log density (rel. to first frame)", false},
    {"residual", "Euler-Lagrange residual ratio", true},
    {"ssim_sum", "sum of 1-SSIM steps", true},
    {"ssim_mean_over_eps2", "mean 1-SSIM step / eps^2", true},
    {"ssim_variance", "variance of 1-SSIM steps", true},
    {"ssim_one_minus_gini", "1 - Gini of 1-SSIM steps", false},
    {"pixel_sum", "sum of pixel RMS steps", true},
    {"pixel_variance", "variance of pixel RMS steps", true},
    {"latent_sum", "sum of latent L2 steps", true},
    {"latent_variance", "variance of latent L2 steps", true},
    {"latent_one_minus_gini", "1 - Gini of latent L2 steps", false},
    {"latent_frechet", "latent Frechet distance, in-between vs keyframes", true},
};

std::string number(double v) {
    if (!std::isfinite(v)) return "";
    char buf[40];
    std::snprintf(buf, sizeof buf, "%.6g", v);
    return buf;
}

double valueOf(const nlohmann::json& r, const char* path, const char* key) {
    const nlohmann::json& j = r.at(path);
    return j.contains(key) && j[key].is_number() ? j[key].get<double>() : NAN;
}

struct Spread {
    double mean = NAN, sd = NAN;
    int count = 0;
};
Spread spreadOf(const std::vector<double>& v) {
    Spread s;
    double sum = 0;
    for (double x : v)
        if (std::isfinite(x)) sum += x, ++s.count;
    if (s.count == 0) return s;
    s.mean = sum / s.count;
    double ss = 0;
    for (double x : v)
        if (std::isfinite(x)) ss += (x - s.mean) * (x - s.mean);
    s.sd = s.count > 1 ? std::sqrt(ss / (s.count - 1)) : 0;
    return s;
}

}  // namespace

std::vector<nlohmann::json> collectPairResults(const std::vector<fs::path>& dirs, std::vector<std::string>& warnings) {
    std::map<int, nlohmann::json> byIndex;
    for (const fs::path& dir : dirs) {
        if (!fs::is_directory(dir)) throw InputError(dir.string() + ": not a folder of batch results");
        std::vector<fs::path> folders;
        for (const auto& e : fs::directory_iterator(dir))
            if (e.is_directory()) folders.push_back(e.path());
        std::sort(folders.begin(), folders.end());
        for (const fs::path& f : folders) {
            if (!fs::is_regular_file(f / "result.json")) {
                if (f.filename().string().rfind(".", 0) != 0) warnings.push_back(f.string() + ": unfinished (no result.json), left out");
                continue;
            }
            nlohmann::json r = readJsonFile(f / "result.json");
            if (!r.is_object() || !r.contains("pair") || !r.contains("geodesic") || !r.contains("baseline"))
                throw InputError((f / "result.json").string() + " is not a pair result");
            const int index = r["pair"].get<int>();
            if (byIndex.count(index)) {
                warnings.push_back("pair " + std::to_string(index) + " found twice; " + f.string() + " left out");
                continue;
            }
            byIndex[index] = std::move(r);
        }
    }
    if (byIndex.empty()) throw InputError("no finished pair (a folder with result.json) in the given folders");
    std::vector<nlohmann::json> out;
    for (auto& [index, r] : byIndex) out.push_back(std::move(r));
    return out;
}

BatchReportFiles writeBatchReport(const std::vector<nlohmann::json>& results, const fs::path& out) {
    if (results.empty()) throw InputError("a report needs at least one finished pair");
    std::error_code ec;
    fs::create_directories(out, ec);
    if (!fs::is_directory(out)) throw InputError(out.string() + ": cannot create the report folder");
    BatchReportFiles files{out / "report.csv", out / "summary.csv", out / "report.md", out / "timings.csv", {}, static_cast<int>(results.size()), {}};

    std::ostringstream csv, timings;
    csv << "pair,name,path";
    for (const Measure& m : kMeasures) csv << ',' << m.key;
    csv << '\n';
    timings << "pair,name,seconds,unet_evaluations\n";
    for (const nlohmann::json& r : results) {
        for (const char* path : {"geodesic", "baseline"}) {
            csv << r["pair"].get<int>() << ',' << r["name"].get<std::string>() << ',' << path;
            for (const Measure& m : kMeasures) csv << ',' << number(valueOf(r, path, m.key));
            csv << '\n';
        }
        timings << r["pair"].get<int>() << ',' << r["name"].get<std::string>() << ',' << number(r.value("seconds", NAN)) << ','
                << r.value("unet_evaluations", 0LL) << '\n';
    }

    std::ostringstream summary, md;
    summary << "measure,better,geodesic_mean,geodesic_sd,baseline_mean,baseline_sd,pairs,geodesic_better_in\n";
    const nlohmann::json& first = results.front();
    md << "# Batch report: density geodesic against the slerp baseline\n\n"
       << results.size() << " pairs; model " << first.value("model", std::string("?")) << ", noise level " << number(first.value("noise_level", NAN))
       << ", alpha " << number(first.value("alpha", NAN)) << ", solver " << first.value("solver", std::string("?")) << ", " << first.value("frames", 0)
       << " frames per pair.\n\n"
       << "| measure | better | geodesic mean ± sd | baseline mean ± sd | geodesic better in |\n|---|---|---|---|---|\n";
    for (const Measure& m : kMeasures) {
        std::vector<double> g, b;
        int wins = 0, compared = 0;
        for (const nlohmann::json& r : results) {
            const double gv = valueOf(r, "geodesic", m.key), bv = valueOf(r, "baseline", m.key);
            g.push_back(gv), b.push_back(bv);
            if (std::isfinite(gv) && std::isfinite(bv)) ++compared, wins += m.lowerIsBetter ? gv < bv : gv > bv;
        }
        const Spread sg = spreadOf(g), sb = spreadOf(b);
        summary << m.key << ',' << (m.lowerIsBetter ? "lower" : "higher") << ',' << number(sg.mean) << ',' << number(sg.sd) << ',' << number(sb.mean) << ','
                << number(sb.sd) << ',' << compared << ',' << wins << '\n';
        md << "| " << m.label << " | " << (m.lowerIsBetter ? "lower" : "higher") << " | " << number(sg.mean) << " ± " << number(sg.sd) << " | "
           << number(sb.mean) << " ± " << number(sb.sd) << " | " << wins << " of " << compared << " |\n";
    }
    md << "\nStep statistics use the formulas of PPL (sum, mean/eps^2), PDV (variance) and AID's smoothness (1 - Gini) over the "
          "distance each names; they are not PPL, PDV or AID numbers, which need LPIPS weights this program does not have. The latent "
          "Frechet distance is between autoencoder latents, not Inception features (not FID). Per pair: report.csv; wall times: timings.csv.\n\n"
       << "## Per pair\n\n| pair | name | log length geodesic | log length baseline | sum of 1-SSIM steps geodesic | baseline | variance of 1-SSIM steps geodesic | baseline |\n"
       << "|---|---|---|---|---|---|---|---|\n";
    for (const nlohmann::json& r : results)
        md << "| " << r["pair"].get<int>() << " | " << r["name"].get<std::string>() << " | " << number(valueOf(r, "geodesic", "log_length")) << " | "
           << number(valueOf(r, "baseline", "log_length")) << " | " << number(valueOf(r, "geodesic", "ssim_sum")) << " | "
           << number(valueOf(r, "baseline", "ssim_sum")) << " | " << number(valueOf(r, "geodesic", "ssim_variance")) << " | "
           << number(valueOf(r, "baseline", "ssim_variance")) << " |\n";

    writeFileAtomically(files.csv, csv.str());
    writeFileAtomically(files.summary, summary.str());
    writeFileAtomically(files.markdown, md.str());
    writeFileAtomically(files.timings, timings.str());

    // Plots: per pair, the geodesic's and the baseline's value of two measures.
    for (const auto& [key, title, file] : {std::tuple{"log_length", "log density-weighted length per pair", "log_length.png"},
                                           {"ssim_variance", "variance of 1-SSIM steps per pair (PDV's formula, not PDV)", "ssim_variance.png"}}) {
        PlotSeries g{"geodesic", {}, {}, 220, 40, 40, false, true}, b{"baseline (slerp)", {}, {}, 40, 110, 220, true, true};
        for (const nlohmann::json& r : results) {
            const double x = r["pair"].get<int>();
            g.x.push_back(x), g.y.push_back(valueOf(r, "geodesic", key));
            b.x.push_back(x), b.y.push_back(valueOf(r, "baseline", key));
        }
        writeLinePlot(out / file, title, "pair", key, {g, b});
        files.plots.push_back(out / file);
    }
    return files;
}

}  // namespace geo
