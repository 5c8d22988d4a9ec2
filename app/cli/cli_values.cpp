#include "cli_values.h"

#include <unistd.h>

#include <charconv>
#include <cstdio>
#include <cmath>
#include <iostream>
#include <string_view>
#include <vector>

#include "common/atomic_file.h"
#include "common/errors.h"

namespace cli {

Eigen::VectorXd parseNumbers(const std::string& text, const std::string& option, int count, const std::string& shape) {
    auto fail = [&] { return geo::InputError(option + " expects " + shape + ", got \"" + text + "\""); };
    std::vector<double> values;
    std::string_view rest(text);
    while (true) {
        const size_t comma = rest.find(',');
        std::string_view item = rest.substr(0, comma);
        while (!item.empty() && item.front() == ' ') item.remove_prefix(1);
        double v = 0;
        const auto [end, ec] = std::from_chars(item.data(), item.data() + item.size(), v);
        if (item.empty() || ec != std::errc() || end != item.data() + item.size() || !std::isfinite(v)) throw fail();
        values.push_back(v);
        if (comma == std::string_view::npos) break;
        rest.remove_prefix(comma + 1);
    }
    if (count > 0 && static_cast<int>(values.size()) != count) throw fail();
    return Eigen::Map<const Eigen::VectorXd>(values.data(), static_cast<Eigen::Index>(values.size()));
}

void emitJson(const nlohmann::json& j, const std::string& out) {
    if (out.empty()) std::cout << j.dump(2) << '\n';
    else geo::writeFileAtomically(out, j.dump(2) + "\n");
}

ProgressLine::ProgressLine() : tty_(::isatty(STDERR_FILENO)) {}

void ProgressLine::show(const std::string& line, const std::string& key, int done, int total) {
    if (tty_) {
        std::fprintf(stderr, "\r%-100s", line.c_str());
        std::fflush(stderr);
        open_ = true;
        return;
    }
    const int decile = total > 0 ? 10 * done / total : 0;
    if (key == lastKey_ && decile == lastDecile_) return;
    lastKey_ = key;
    lastDecile_ = decile;
    std::fprintf(stderr, "%s\n", line.c_str());
}

void ProgressLine::finish() {
    if (open_) std::fprintf(stderr, "\n");
    open_ = false;
}

void ProgressLine::note(const std::string& line) {
    finish();
    std::fprintf(stderr, "%s\n", line.c_str());
}

}  // namespace cli
