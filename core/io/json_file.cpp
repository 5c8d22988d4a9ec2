#include "io/json_file.h"

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

}  // namespace geo
