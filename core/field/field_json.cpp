#include "field/field_json.h"

#include <nlohmann/json.hpp>

#include "common/errors.h"
#include "field/gaussian_mixture.h"
#include "field/muller_brown.h"
#include "io/json_file.h"

namespace geo {

using nlohmann::json;

namespace {

double number(const json& v, const std::string& where) {
    if (!v.is_number()) throw InputError(where + " must be a number, got " + v.dump());
    return v.get<double>();
}

const json& array(const json& v, const std::string& where) {
    if (!v.is_array()) throw InputError(where + " must be an array");
    return v;
}

Eigen::VectorXd vector(const json& v, const std::string& where) {
    const json& a = array(v, where);
    Eigen::VectorXd out(a.size());
    for (size_t i = 0; i < a.size(); ++i) out[i] = number(a[i], where + "[" + std::to_string(i) + "]");
    return out;
}

Eigen::MatrixXd matrix(const json& v, const std::string& where) {
    const json& rows = array(v, where);
    if (rows.empty()) throw InputError(where + " is empty");
    const size_t cols = array(rows[0], where + "[0]").size();
    Eigen::MatrixXd m(rows.size(), cols);
    for (size_t i = 0; i < rows.size(); ++i) {
        const Eigen::VectorXd r = vector(rows[i], where + "[" + std::to_string(i) + "]");
        if (static_cast<size_t>(r.size()) != cols)
            throw InputError(where + " has rows of different lengths");
        m.row(i) = r.transpose();
    }
    return m;
}

const json& key(const json& j, const char* name) {
    if (!j.contains(name)) throw InputError(std::string("missing key \"") + name + "\"");
    return j.at(name);
}

std::shared_ptr<const Field> parseMixture(const json& j) {
    const json& w = array(key(j, "weights"), "weights");
    const json& m = array(key(j, "means"), "means");
    const json& c = array(key(j, "covariances"), "covariances");
    if (w.size() != m.size() || w.size() != c.size())
        throw InputError("weights, means and covariances must have the same length (" + std::to_string(w.size()) +
                         ", " + std::to_string(m.size()) + ", " + std::to_string(c.size()) + ")");
    std::vector<double> weights;
    std::vector<Eigen::VectorXd> means;
    std::vector<Eigen::MatrixXd> covs;
    for (size_t k = 0; k < w.size(); ++k) {
        const std::string idx = "[" + std::to_string(k) + "]";
        weights.push_back(number(w[k], "weights" + idx));
        means.push_back(vector(m[k], "means" + idx));
        covs.push_back(matrix(c[k], "covariances" + idx));
    }
    return std::make_shared<GaussianMixture>(std::move(weights), std::move(means), std::move(covs));
}

}  // namespace

std::shared_ptr<const Field> parseField(const json& j) {
    if (!j.is_object()) throw InputError("a field must be a JSON object");
    const json& type = key(j, "type");
    if (!type.is_string()) throw InputError("\"type\" must be a string");
    const std::string t = type.get<std::string>();
    // "from" and "to" are the toy mode's endpoints in a scene file (presets.cpp).
    if (t == "gmm") checkKnownKeys(j, {"type", "weights", "means", "covariances", "from", "to"}, "a \"gmm\" field");
    if (t == "muller_brown") checkKnownKeys(j, {"type", "temperature", "from", "to"}, "a \"muller_brown\" field");
    if (t == "gmm") return parseMixture(j);
    if (t == "muller_brown")
        return std::make_shared<MullerBrown>(j.contains("temperature") ? number(j["temperature"], "temperature") : 20.0);
    throw InputError("unknown field type \"" + t + "\" (known: gmm, muller_brown)");
}

std::shared_ptr<const Field> parseField(const json& j, const std::string& source) {
    try {
        return parseField(j);
    } catch (const InputError& e) {
        throw InputError(source + ": " + e.what());
    }
}

std::shared_ptr<const Field> loadFieldFile(const std::filesystem::path& path) {
    return parseField(readJsonFile(path), path.string());
}

json mixtureToJson(const GaussianMixture& gmm) {
    json means = json::array(), covs = json::array();
    for (int k = 0; k < gmm.components(); ++k) {
        means.push_back(std::vector<double>(gmm.means()[k].data(), gmm.means()[k].data() + gmm.dim()));
        json rows = json::array();
        for (int i = 0; i < gmm.dim(); ++i) {
            const Eigen::VectorXd r = gmm.covariances()[k].row(i).transpose();
            rows.push_back(std::vector<double>(r.data(), r.data() + r.size()));
        }
        covs.push_back(rows);
    }
    return {{"type", "gmm"}, {"weights", gmm.weights()}, {"means", means}, {"covariances", covs}};
}

}  // namespace geo
