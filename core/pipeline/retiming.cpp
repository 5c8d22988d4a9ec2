#include "pipeline/retiming.h"

#include <algorithm>
#include <cmath>

#include "common/errors.h"

namespace geo {

std::vector<double> retimeByDistances(const std::vector<double>& d) {
    const size_t n = d.size();
    if (n == 0) throw InputError("re-timing needs at least two frames");
    std::vector<double> c(n + 1, 0.0), out(n + 1);
    for (size_t j = 0; j < n; ++j) {
        if (!(d[j] >= 0 && std::isfinite(d[j]))) throw InputError("re-timing distances must be finite and non-negative");
        c[j + 1] = c[j] + d[j];
    }
    if (c[n] <= 0) {
        for (size_t k = 0; k <= n; ++k) out[k] = static_cast<double>(k) / n;
        return out;
    }
    for (double& v : c) v /= c[n];
    for (size_t k = 0; k <= n; ++k) {
        const double u = static_cast<double>(k) / n;
        // The segment j with C_j < u ≤ C_{j+1}: the leftmost insertion index minus one, floored at 0.
        const size_t ins = static_cast<size_t>(std::lower_bound(c.begin(), c.end(), u) - c.begin());
        const size_t j = std::min(ins == 0 ? 0 : ins - 1, n - 1);
        const double span = c[j + 1] - c[j];
        const double frac = span > 0 ? (u - c[j]) / span : 0;
        out[k] = std::clamp((static_cast<double>(j) + frac) / n, 0.0, 1.0);
    }
    out.front() = 0;
    out.back() = 1;
    return out;
}

}  // namespace geo
