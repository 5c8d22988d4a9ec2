#include "solver/graph_search.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <queue>

#include "common/errors.h"
#include "field/field_grid.h"

namespace geo {

namespace {
// The 16-neighbour stencil: axis, diagonal and knight moves. Its directions are at most 26.6° apart.
constexpr int kStencil[16][2] = {{1, 0}, {-1, 0}, {0, 1}, {0, -1}, {1, 1}, {1, -1}, {-1, 1}, {-1, -1},
                                 {1, 2}, {2, 1}, {-1, 2}, {-2, 1}, {1, -2}, {2, -1}, {-1, -2}, {-2, -1}};
}  // namespace

GridGraph::GridGraph(const Field& field, const Box& box, int gridSize) : box_(box), n_(gridSize) {
    if (field.dim() != 2 || !field.hasLogDensity())
        throw InputError("graph search needs a 2-D field with known density");
    if (gridSize < 8) throw InputError("graph search grid must be at least 8 nodes wide");
    hx_ = (box.hi[0] - box.lo[0]) / (n_ - 1);
    hy_ = (box.hi[1] - box.lo[1]) / (n_ - 1);
    const FieldGrid g = sampleLogDensity(field, box, n_, n_);
    const double top = g.maxLogp();
    halfWeight_.resize(g.logp.size());
    // Clamp at 1400 nats below the peak so that exp stays finite; such nodes are never worth visiting.
    for (size_t i = 0; i < g.logp.size(); ++i)
        halfWeight_[i] = std::exp(std::min(700.0, -0.5 * (g.logp[i] - top)));
}

bool GridGraph::covers(const Eigen::Vector2d& p) const {
    return (p.array() >= box_.lo.array()).all() && (p.array() <= box_.hi.array()).all();
}

int GridGraph::nodeNear(const Eigen::Vector2d& p) const {
    const int i = std::clamp(static_cast<int>(std::lround((p[0] - box_.lo[0]) / hx_)), 0, n_ - 1);
    const int j = std::clamp(static_cast<int>(std::lround((p[1] - box_.lo[1]) / hy_)), 0, n_ - 1);
    return j * n_ + i;
}

Eigen::Vector2d GridGraph::nodePosition(int node) const {
    return {box_.lo[0] + (node % n_) * hx_, box_.lo[1] + (node / n_) * hy_};
}

Points GridGraph::shortestPath(const Eigen::Vector2d& a, const Eigen::Vector2d& b, const SolveControl& control) const {
    const int source = nodeNear(a), target = nodeNear(b);
    std::vector<double> dist(halfWeight_.size(), std::numeric_limits<double>::infinity());
    std::vector<int> prev(halfWeight_.size(), -1);
    double stepLength[16];
    for (int k = 0; k < 16; ++k) stepLength[k] = std::hypot(kStencil[k][0] * hx_, kStencil[k][1] * hy_);

    using Item = std::pair<double, int>;
    std::priority_queue<Item, std::vector<Item>, std::greater<>> queue;
    dist[source] = 0;
    queue.push({0, source});
    int popped = 0;
    while (!queue.empty()) {
        const auto [d, u] = queue.top();
        queue.pop();
        if (d > dist[u]) continue;
        if (u == target) break;
        if ((++popped & 1023) == 0) control.throwIfCancelled();
        const int ui = u % n_, uj = u / n_;
        for (int k = 0; k < 16; ++k) {
            const int vi = ui + kStencil[k][0], vj = uj + kStencil[k][1];
            if (vi < 0 || vj < 0 || vi >= n_ || vj >= n_) continue;
            const int v = vj * n_ + vi;
            const double nd = d + stepLength[k] * halfWeight_[u] * halfWeight_[v];
            if (nd < dist[v]) {
                dist[v] = nd;
                prev[v] = u;
                queue.push({nd, v});
            }
        }
    }
    std::vector<int> nodes;
    for (int v = target; v != -1; v = prev[v]) nodes.push_back(v);
    std::reverse(nodes.begin(), nodes.end());
    // a, the interior nodes, b: the end nodes are replaced by the exact endpoints.
    Points path(std::max<size_t>(nodes.size(), 2), 2);
    path.row(0) = a.transpose();
    for (size_t k = 1; k + 1 < nodes.size(); ++k) path.row(k) = nodePosition(nodes[k]).transpose();
    path.row(path.rows() - 1) = b.transpose();
    return path;
}

}  // namespace geo
