// The named transition-path systems: Müller–Brown (its posterior by grid quadrature) and a Gaussian
// mixture potential (its posterior in closed form).
#include "common/errors.h"
#include "field/gaussian_mixture.h"
#include "field/muller_brown.h"
#include "spacetime/mixture_denoiser.h"
#include "spacetime/spacetime_fields.h"
#include "spacetime/transition_paths.h"
#include "toy/presets.h"

namespace geo {

namespace {

// The toy mode's Müller–Brown scene (its temperature and view), with its minima to six places.
TpsSystem muellerBrown() {
    const ToyScene scene = preset("muller-brown");
    const auto field = std::dynamic_pointer_cast<const MullerBrown>(scene.field);
    TpsSystem s;
    s.name = "mueller-brown";
    s.description = "Müller–Brown potential U, density exp(-U/" + std::to_string(int(field->temperature())) + "); from the deepest minimum A to C";
    s.data = field;
    s.denoiser = muellerBrownDenoiser(field);
    s.potential = &MullerBrown::potential;
    s.from = {-0.558224, 1.441726};  // minimum A
    s.to = {0.623499, 0.028038};     // minimum C
    s.forbidden = {-0.050011, 0.466694};  // minimum B, on the direct route
    s.klDrop = 15;
    s.view = scene.view;
    return s;
}

TpsSystem twoRoutes() {
    const ToyScene scene = preset("two-routes");
    TpsSystem s;
    s.name = "two-routes";
    s.description = "Gaussian-mixture potential U = -log q: a dense upper route and a sparse lower one";
    s.data = scene.field;
    s.denoiser = std::make_shared<MixtureDenoiser>(std::dynamic_pointer_cast<const GaussianMixture>(scene.field));
    s.potential = [field = scene.field](double x, double y) {
        Points p(1, 2);
        p << x, y;
        return -field->logDensity(p)[0];
    };
    s.from = scene.from;
    s.to = scene.to;
    s.forbidden = {0, 1.6};  // the top of the dense route
    s.klDrop = 150;
    s.view = scene.view;
    return s;
}

}  // namespace

std::vector<std::string> tpsSystemNames() { return {"mueller-brown", "two-routes"}; }

TpsSystem tpsSystem(const std::string& name) {
    if (name == "mueller-brown" || name == "muller-brown") return muellerBrown();
    if (name == "two-routes") return twoRoutes();
    throw unknownNameError("transition-path system", name, tpsSystemNames());
}

}  // namespace geo
