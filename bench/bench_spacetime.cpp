// Spacetime speed: the paper toy's 1-D geodesic between the probability flow's ends (512 points, to
// the stopping rule), the energy-and-gradient evaluation it repeats, and the PF-ODE itself.
#include <cstdio>

#include "median.h"
#include "spacetime/mixture_denoiser.h"
#include "spacetime/pf_ode.h"
#include "spacetime/spacetime_bvp.h"
#include "spacetime/spacetime_fields.h"

int main() {
    using namespace geo;
    auto v = [](double a) { return Eigen::VectorXd::Constant(1, a); };
    const MixtureDenoiser q(paperToyMixture());
    const LinearLogSnr s;
    std::printf("%-6s %14s %8s %12s %18s %14s\n", "x_T", "geodesic ms", "steps", "energy", "energy+grad ms", "PF-ODE ms");
    for (double xT : {1.0, 0.0, -1.0}) {
        const SpacetimePath pf = integrateProbabilityFlow(q, s, v(xT));
        Eigen::VectorXd a(2), b(2);
        a << xT, 1.0;
        b << pf.x(512, 0), 0.1;
        SpacetimeBvpResult r;
        const double solve = medianMs(5, [&] { r = solveSpacetimeBvp(q, s, a, b); });
        Eigen::MatrixXd points(512, 2), g;
        points.col(0) = Eigen::VectorXd::LinSpaced(512, a[0], b[0]);
        points.col(1) = Eigen::VectorXd::LinSpaced(512, a[1], b[1]);
        const double grad = medianMs(51, [&] { spacetimeEnergyGradient(q, s, points, &g); });
        const double ode = medianMs(51, [&] { integrateProbabilityFlow(q, s, v(xT)); });
        std::printf("%-6g %14.1f %8d %12.6f %18.3f %14.3f\n", xT, solve, r.steps, r.energy.codeEnergy, grad, ode);
    }
    std::printf("medians over 5 solves, 51 gradient and ODE runs\n");
}
