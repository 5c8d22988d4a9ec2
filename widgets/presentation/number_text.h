#pragma once
#include <QString>
#include <cmath>

namespace widgets {
// A length in the density metric for people: 4 significant digits, scientific from 10⁴ on (straight
// segments through empty regions reach 10⁶ and more).
inline QString lengthText(double v) { return v < 1e4 ? QString::number(v, 'g', 4) : QString::number(v, 'e', 2); }
// The ratio of two lengths given as logarithms, exp(logA − logB), as "1.42" (or "e^73.1" when it
// would overflow: latent-space lengths differ by hundreds of nats).
inline QString logRatioText(double logA, double logB) {
    const double d = logA - logB;
    return std::abs(d) < 50 ? QString::number(std::exp(d), 'g', 3) : "e^" + QString::number(d, 'f', 1);
}
}  // namespace widgets
