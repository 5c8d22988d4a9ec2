#include "io/json_file.h"

#include <algorithm>
#include <cmath>
#include <fstream>
#include <sstream>

#include "common/errors.h"

namespace geo {

nlohmann::json finiteOrNull(double v) { return std::isfinite(v) ? nlohmann::json(v) : nlohmann::json(nullptr); }

using nlohmann::json;

json readJsonFile(const std::filesystem::path& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) throw InputError(path.string() + ": cannot open file");
    std::ostringstream ss;
    ss << in.rdbuf();
    try {
        return json::parse(ss.str());
    } catch (const json::parse_error& e) {
        throw InputError(path.string() + ": malformed JSON at byte " + std::to_string(e.byte));
    } catch (const json::exception& e) {  // e.g. a number too large for a double
        std::string what = e.what();
        if (const auto end = what.find("] "); what.starts_with("[json.") && end != std::string::npos) what.erase(0, end + 2);
        throw InputError(path.string() + ": invalid JSON: " + what);
    }
}

int positiveIntAt(const nlohmann::json& j, const char* key, const std::filesystem::path& file) {
    if (!j.contains(key) || !j[key].is_number_integer() || j[key].get<int>() < 1)
        throw InputError(file.string() + ": \"" + key + "\" must be a positive integer");
    return j[key].get<int>();
}

double positiveNumberAt(const nlohmann::json& j, const char* key, const std::filesystem::path& file) {
    if (!j.contains(key) || !j[key].is_number() || !(j[key].get<double>() > 0))
        throw InputError(file.string() + ": \"" + key + "\" must be a positive number");
    return j[key].get<double>();
}

const json& objectIn(const json& j, const std::filesystem::path& file) {
    if (!j.is_object()) throw InputError(file.string() + ": the top level must be a JSON object, not " + std::string(j.is_array() ? "an " : "a ") + j.type_name());
    return j;
}

namespace {

const json* typed(const json& j, const char* key, bool (json::*is)() const noexcept, const char* expected, const std::filesystem::path& file) {
    if (!j.is_object() || !j.contains(key) || j[key].is_null()) return nullptr;
    const json& v = j[key];
    if (!(v.*is)()) throw InputError(file.string() + ": \"" + key + "\" must be " + expected + ", not " + (v.is_array() ? "an " : "a ") + v.type_name());
    return &v;
}

// Edit distance, for "did you mean" (keys are short).
size_t distance(const std::string& a, const std::string& b) {
    std::vector<size_t> row(b.size() + 1);
    for (size_t j = 0; j <= b.size(); ++j) row[j] = j;
    for (size_t i = 1; i <= a.size(); ++i) {
        size_t diagonal = row[0];
        row[0] = i;
        for (size_t j = 1; j <= b.size(); ++j) {
            const size_t up = row[j];
            row[j] = std::min({row[j] + 1, row[j - 1] + 1, diagonal + (a[i - 1] == b[j - 1] ? 0 : 1)});
            diagonal = up;
        }
    }
    return row[b.size()];
}

}  // namespace

std::string stringOr(const json& j, const char* key, const std::string& fallback, const std::filesystem::path& file) {
    const json* v = typed(j, key, &json::is_string, "a string", file);
    return v ? v->get<std::string>() : fallback;
}

bool boolOr(const json& j, const char* key, bool fallback, const std::filesystem::path& file) {
    const json* v = typed(j, key, &json::is_boolean, "true or false", file);
    return v ? v->get<bool>() : fallback;
}

int intOr(const json& j, const char* key, int fallback, const std::filesystem::path& file) {
    const json* v = typed(j, key, &json::is_number_integer, "an integer", file);
    if (!v) return fallback;
    if (v->get<int64_t>() < -1000000 || v->get<int64_t>() > 1000000) throw InputError(file.string() + ": \"" + key + "\" lies outside -10^6 … 10^6");
    return v->get<int>();
}

void checkKnownKeys(const json& object, const std::vector<std::string>& known, const std::string& where) {
    if (!object.is_object()) return;
    for (const auto& [key, value] : object.items()) {
        if (std::find(known.begin(), known.end(), key) != known.end()) continue;
        std::string nearest;
        size_t best = 3;  // at most two edits away counts as a misspelling
        for (const std::string& k : known)
            if (const size_t d = distance(key, k); d < best) best = d, nearest = k;
        throw InputError(where + ": unknown key \"" + key + "\"" + (nearest.empty() ? "" : " (did you mean \"" + nearest + "\"?)"));
    }
}

}  // namespace geo
