#include "field/muller_brown.h"

#include <cmath>
#include <sstream>

#include "common/errors.h"

namespace geo {

namespace {

// The classic parameters (Müller and Brown, 1979).
constexpr double kA[4] = {-200, -100, -170, 15};
constexpr double ka[4] = {-1, -1, -6.5, 0.7};
constexpr double kb[4] = {0, 0, 11, 0.6};
constexpr double kc[4] = {-10, -10, -6.5, 0.7};
constexpr double kx0[4] = {1, 0, -0.5, -1};
constexpr double ky0[4] = {0, 0.5, 1.5, 1};

// The quadrature box for the normaliser: outside it exp(−U/T) is below e^−70 of its peak for T ≤ 40.
// (The density's tails are long: along (1, −1) from (−1, 1) the fourth term grows only like e^{0.4r²}.)
constexpr double kQx0 = -4.2, kQx1 = 2.2, kQy0 = -2.2, kQy1 = 4.2;
constexpr int kQuadratureIntervals = 600;  // even, for Simpson's rule

}  // namespace

double MullerBrown::potential(double x, double y) {
    double u = 0;
    for (int k = 0; k < 4; ++k) {
        const double dx = x - kx0[k], dy = y - ky0[k];
        u += kA[k] * std::exp(ka[k] * dx * dx + kb[k] * dx * dy + kc[k] * dy * dy);
    }
    return u;
}

void MullerBrown::potentialGradient(double x, double y, double& gx, double& gy) {
    gx = gy = 0;
    for (int k = 0; k < 4; ++k) {
        const double dx = x - kx0[k], dy = y - ky0[k];
        const double e = kA[k] * std::exp(ka[k] * dx * dx + kb[k] * dx * dy + kc[k] * dy * dy);
        gx += e * (2 * ka[k] * dx + kb[k] * dy);
        gy += e * (kb[k] * dx + 2 * kc[k] * dy);
    }
}

MullerBrown::MullerBrown(double temperature) : temperature_(temperature) {
    if (!(temperature > 0) || !std::isfinite(temperature))
        throw InputError("Müller–Brown temperature must be a positive number, got " + std::to_string(temperature));
    // log Z = log ∫∫ exp(−U/T), Simpson in both directions, shifted by the minimum for stability.
    const int n = kQuadratureIntervals;
    const double hx = (kQx1 - kQx0) / n, hy = (kQy1 - kQy0) / n;
    std::vector<double> minusUoverT((n + 1) * (n + 1));
    double shift = -1e300;
    for (int i = 0; i <= n; ++i)
        for (int j = 0; j <= n; ++j) {
            const double v = -potential(kQx0 + i * hx, kQy0 + j * hy) / temperature_;
            minusUoverT[i * (n + 1) + j] = v;
            shift = std::max(shift, v);
        }
    auto simpson = [n](int i) { return (i == 0 || i == n) ? 1.0 : (i % 2 ? 4.0 : 2.0); };
    double sum = 0;
    for (int i = 0; i <= n; ++i)
        for (int j = 0; j <= n; ++j)
            sum += simpson(i) * simpson(j) * std::exp(minusUoverT[i * (n + 1) + j] - shift);
    logZ_ = shift + std::log(sum * hx * hy / 9.0);
}

std::string MullerBrown::describe() const {
    std::ostringstream s;
    s << "Müller–Brown Boltzmann density exp(-U/T), T = " << temperature_;
    return s.str();
}

Box MullerBrown::bounds() const {
    Box b;
    b.lo = Eigen::Vector2d(-1.6, -0.5);
    b.hi = Eigen::Vector2d(1.2, 2.1);
    return b;
}

void MullerBrown::evaluate(const Points& x, Eigen::VectorXd* logp, Points* score) const {
    if (x.cols() != 2)
        throw InputError("points have " + std::to_string(x.cols()) + " coordinates, the Müller–Brown field has 2");
    if (logp) logp->resize(x.rows());
    if (score) score->resize(x.rows(), 2);
    for (Eigen::Index n = 0; n < x.rows(); ++n) {
        if (logp) (*logp)[n] = -potential(x(n, 0), x(n, 1)) / temperature_ - logZ_;
        if (score) {
            double gx, gy;
            potentialGradient(x(n, 0), x(n, 1), gx, gy);
            (*score)(n, 0) = -gx / temperature_;
            (*score)(n, 1) = -gy / temperature_;
        }
    }
}

}  // namespace geo
