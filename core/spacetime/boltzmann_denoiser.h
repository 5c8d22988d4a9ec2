#pragma once
// The exact denoising posterior of a 2-D density known by its log (a Boltzmann density exp(−U/T),
// or any 2-D field with log p), by quadrature: p(x₀ | x_t) ∝ p(x₀) exp(−‖α x₀ − x_t‖²/(2σ²)) is a
// prior times a Gaussian of centre c = x_t/α and width s = σ/α. Its moments are sums over a uniform
// grid (the trapezoid rule, which is spectrally accurate for integrands that vanish smoothly at the
// edges of the grid):
//   - s ≥ 2.5 h (h the lattice spacing): the window c ± 16 s of a lattice over the support box on which
//     log p was evaluated once; the Gaussian factor is separable, so a point costs one multiply-add
//     per lattice node in its window;
//   - s < 2.5 h (high signal-to-noise): a local grid of spacing s/2.5 over c ± 12 s, log p evaluated
//     there.
// The support box must hold all the mass (the lattice is then cropped to the nodes above e^−80 of the
// peak); h must resolve the narrowest feature of p (two or more nodes per standard deviation of its
// narrowest well). Sums run in log space when the weights would underflow.
#include <memory>
#include <vector>

#include "field/field.h"
#include "spacetime/denoiser.h"

namespace geo {

class BoltzmannDenoiser final : public Denoiser {
public:
    // InputError unless the field is 2-D with a log density and the box and spacing are sensible.
    BoltzmannDenoiser(std::shared_ptr<const Field> field, Box support, double spacing);
    int dim() const override { return 2; }
    PosteriorMoments moments(const Points& x, const Eigen::VectorXd& alpha, const Eigen::VectorXd& sigma) const override;

    const Field& field() const { return *field_; }
    const Box& support() const { return support_; }  // after cropping

private:
    struct Moments {
        Eigen::Vector2d mean;
        double covarianceTrace;
    };
    Moments onLattice(Eigen::Vector2d c, double s) const;
    Moments onLocalGrid(Eigen::Vector2d c, double s) const;

    std::shared_ptr<const Field> field_;
    Box support_;
    double h_;
    int nx_, ny_;
    std::vector<double> logWeight_;  // log p − max log p at node (i, j), index j * nx_ + i
    std::vector<double> weight_;     // exp of the above
};

}  // namespace geo
