#include "measures/frechet_distance.h"

#include <Eigen/Eigenvalues>
#include <cmath>

#include "common/errors.h"

namespace geo {

namespace {

void moments(const FeatureMatrix& x, Eigen::VectorXd& mean, Eigen::MatrixXd& cov) {
    mean = x.colwise().mean().transpose();
    const Eigen::MatrixXd centred = x.rowwise() - mean.transpose();
    cov = centred.transpose() * centred / static_cast<double>(x.rows() - 1);
}

}  // namespace

double frechetDistance(const FeatureMatrix& a, const FeatureMatrix& b) {
    if (a.rows() < 2 || b.rows() < 2) throw InputError("a Fréchet distance needs at least two samples on each side");
    if (a.cols() != b.cols()) throw InputError("the feature sets have different dimensions");
    Eigen::VectorXd ma, mb;
    Eigen::MatrixXd ca, cb;
    moments(a, ma, ca);
    moments(b, mb, cb);
    // tr((Σ₁^½ Σ₂ Σ₁^½)^½): the inner matrix is symmetric positive semi-definite, so its square root's
    // trace is the sum of the square roots of its eigenvalues (negative round-off clipped to 0).
    const Eigen::SelfAdjointEigenSolver<Eigen::MatrixXd> ea(ca);
    const Eigen::MatrixXd rootA = ea.eigenvectors() * ea.eigenvalues().cwiseMax(0).cwiseSqrt().asDiagonal() * ea.eigenvectors().transpose();
    const Eigen::MatrixXd inner = rootA * cb * rootA;
    const Eigen::SelfAdjointEigenSolver<Eigen::MatrixXd> ei((inner + inner.transpose()) / 2, Eigen::EigenvaluesOnly);
    const double crossTrace = ei.eigenvalues().cwiseMax(0).cwiseSqrt().sum();
    return (ma - mb).squaredNorm() + ca.trace() + cb.trace() - 2 * crossTrace;
}

}  // namespace geo
