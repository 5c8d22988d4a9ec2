#include "spacetime/spacetime_fields.h"

#include <algorithm>

#include "common/errors.h"
#include "field/field_json.h"
#include "field/muller_brown.h"
#include "spacetime/boltzmann_denoiser.h"
#include "spacetime/mixture_denoiser.h"
#include "toy/presets.h"

namespace geo {

std::shared_ptr<const Denoiser> exactSpacetimeDenoiser(const std::shared_ptr<const Field>& field, const std::string& what) {
    if (std::dynamic_pointer_cast<const MullerBrown>(field)) return muellerBrownDenoiser(field);
    auto mixture = std::dynamic_pointer_cast<const GaussianMixture>(field);
    if (!mixture)
        throw InputError(what + " is not a Gaussian mixture; the spacetime geometry needs an exact denoiser, which this build has for mixtures and Müller–Brown");
    return std::make_shared<MixtureDenoiser>(mixture);
}

std::shared_ptr<const GaussianMixture> paperToyMixture() {
    auto v = [](double a) { return Eigen::VectorXd::Constant(1, a); };
    const Eigen::MatrixXd c = Eigen::MatrixXd::Constant(1, 1, 0.75 * 0.75);
    return std::make_shared<GaussianMixture>(std::vector<double>{0.275, 0.45, 0.275}, std::vector<Eigen::VectorXd>{v(-2.5), v(0.5), v(2.5)},
                                             std::vector<Eigen::MatrixXd>{c, c, c});
}

std::shared_ptr<const Denoiser> muellerBrownDenoiser(std::shared_ptr<const Field> mullerBrown) {
    // Outside this box the density is below e^−70 of its peak. The narrowest well (at A) has a standard
    // deviation of 0.070, which a 0.04 lattice resolves: the trapezoid rule's error falls like
    // exp(−2π²(0.070/0.04)²) ≈ e^−60.
    return std::make_shared<BoltzmannDenoiser>(std::move(mullerBrown), Box{Eigen::Vector2d(-4.2, -2.2), Eigen::Vector2d(2.2, 4.2)}, 0.04);
}

std::vector<std::string> spacetimePresetNames() {
    std::vector<std::string> names{"mixture-1d"};
    for (const std::string& n : presetNames()) names.push_back(n);
    return names;
}

std::shared_ptr<const Denoiser> spacetimeDenoiserFromPreset(const std::string& name) {
    if (name == "mixture-1d") return std::make_shared<MixtureDenoiser>(paperToyMixture());
    const std::string toyName = name == "mueller-brown" ? "muller-brown" : name;  // both spellings are in use
    const std::vector<std::string> names = spacetimePresetNames();
    if (std::find(names.begin(), names.end(), toyName) == names.end()) throw unknownNameError("preset", name, names);
    return exactSpacetimeDenoiser(preset(toyName).field, "preset \"" + name + "\"");
}

std::shared_ptr<const Denoiser> spacetimeDenoiserFromFile(const std::filesystem::path& path) {
    return exactSpacetimeDenoiser(loadFieldFile(path), path.string());
}

}  // namespace geo
