#include "field/field.h"

namespace geo {

Box Box::united(const Eigen::VectorXd& p) const {
    return {lo.cwiseMin(p), hi.cwiseMax(p)};
}

Box Box::padded(double fraction) const {
    const Eigen::VectorXd pad = (hi - lo) * fraction;
    return {lo - pad, hi + pad};
}

Points Field::score(const Points& x) const {
    Points s(x.rows(), x.cols());
    evaluate(x, nullptr, &s);
    return s;
}

Eigen::VectorXd Field::logDensity(const Points& x) const {
    Eigen::VectorXd lp(x.rows());
    evaluate(x, &lp, nullptr);
    return lp;
}

}  // namespace geo
