#pragma once
#include <QString>

namespace widgets {
// A length in the density metric for people: 4 significant digits, scientific from 10⁴ on (straight
// segments through empty regions reach 10⁶ and more).
inline QString lengthText(double v) { return v < 1e4 ? QString::number(v, 'g', 4) : QString::number(v, 'e', 2); }
}  // namespace widgets
