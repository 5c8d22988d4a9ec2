#include "toy/toy_export.h"

#include <cmath>
#include <iomanip>
#include <sstream>

#include "curve/polyline.h"

namespace geo {

using nlohmann::json;

namespace {
json vectorJson(const Eigen::VectorXd& v) { return std::vector<double>(v.data(), v.data() + v.size()); }
}  // namespace

json pointsToJson(const Points& p) {
    json out = json::array();
    for (Eigen::Index i = 0; i < p.rows(); ++i) {
        const Eigen::VectorXd r = p.row(i).transpose();
        out.push_back(vectorJson(r));
    }
    return out;
}

json toyBvpJson(const ToyBvpOutcome& o) {
    const PathReport& g = o.geodesicReport;
    const Eigen::VectorXd& glp = g.logDensity.size() ? g.logDensity : g.logDensityLineIntegral;
    const Eigen::VectorXd& slp = o.straightReport.logDensity.size() ? o.straightReport.logDensity
                                                                     : o.straightReport.logDensityLineIntegral;
    return {{"points", pointsToJson(o.geodesic)},
            {"length", g.length},
            {"straight_length", o.straightReport.length},
            {"length_relative_to_start_density", g.lengthIsRelative},
            {"log_density", vectorJson(glp)},
            {"straight_log_density", vectorJson(slp)},
            {"el_residual", g.residual.mean},
            {"el_residual_max", g.residual.max},
            {"iterations", o.iterations},
            {"converged", o.converged},
            {"seconds", o.seconds}};
}

std::string toyBvpCsv(const ToyBvpOutcome& o) {
    std::ostringstream out;
    out << std::setprecision(10) << "path,index,s";
    for (Eigen::Index d = 0; d < o.geodesic.cols(); ++d) out << (o.geodesic.cols() == 2 ? (d ? ",y" : ",x") : ",x" + std::to_string(d));
    out << ",log_density,density\n";
    auto rows = [&](const char* name, const Points& p, const PathReport& r) {
        const Eigen::VectorXd s = normalisedArcLength(p);
        const Eigen::VectorXd& lp = r.logDensity.size() ? r.logDensity : r.logDensityLineIntegral;
        for (Eigen::Index i = 0; i < p.rows(); ++i) {
            out << name << ',' << i << ',' << s[i];
            for (Eigen::Index d = 0; d < p.cols(); ++d) out << ',' << p(i, d);
            out << ',' << lp[i] << ',' << std::exp(lp[i]) << '\n';
        }
    };
    rows("geodesic", o.geodesic, o.geodesicReport);
    rows("straight", o.straight, o.straightReport);
    return out.str();
}

json toyIvpJson(const Points& path, const Eigen::VectorXd& logDensity) {
    return {{"points", pointsToJson(path)}, {"log_density", vectorJson(logDensity)}};
}

}  // namespace geo
