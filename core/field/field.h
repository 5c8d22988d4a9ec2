#pragma once
// A Field answers the score ∇log p(x) for a batch of points, and log p(x) where it is known.
// Solvers and diagnostics see only this interface, whatever the dimension or origin of the field.
#include <Eigen/Core>
#include <string>

namespace geo {

// N points of dimension D, one point per row (rows are contiguous).
using Points = Eigen::Matrix<double, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;

struct Box {
    Eigen::VectorXd lo, hi;
    Box united(const Eigen::VectorXd& p) const;
    Box padded(double fraction) const;  // grows every side by fraction of the box's extent
};

class Field {
public:
    virtual ~Field() = default;

    virtual int dim() const = 0;
    virtual std::string describe() const = 0;
    // Where the probability mass lives; graph searches and views cover at least this box.
    virtual Box bounds() const = 0;
    virtual bool hasLogDensity() const = 0;

    // Evaluates log p (normalised) and/or the score at every row of x. Pass nullptr for what is not
    // wanted. Asking for logp from a field without hasLogDensity() throws std::logic_error.
    virtual void evaluate(const Points& x, Eigen::VectorXd* logp, Points* score) const = 0;

    Points score(const Points& x) const;
    Eigen::VectorXd logDensity(const Points& x) const;
};

}  // namespace geo
