#include "solver/minimax_path.h"

#include <algorithm>
#include <cmath>
#include <functional>
#include <queue>

#include "common/errors.h"

namespace geo {

MinimaxPath minimaxPath(const Eigen::MatrixXd& values, Eigen::Index start, Eigen::Index goal) {
    const Eigen::Index nx = values.rows(), ny = values.cols(), count = nx * ny;
    if (start < 0 || goal < 0 || start >= count || goal >= count) throw InputError("minimax path: start or goal is off the grid");
    // Dijkstra with max in place of +: the key of a node is the lowest possible highest value on a path to it.
    std::vector<double> key(count, INFINITY);
    std::vector<Eigen::Index> previous(count, -1);
    using Entry = std::pair<double, Eigen::Index>;
    std::priority_queue<Entry, std::vector<Entry>, std::greater<>> open;
    key[start] = values(start % nx, start / nx);
    open.emplace(key[start], start);
    while (!open.empty()) {
        const auto [k, node] = open.top();
        open.pop();
        if (k > key[node]) continue;
        if (node == goal) break;
        const Eigen::Index i = node % nx, j = node / nx;
        for (int dj = -1; dj <= 1; ++dj)
            for (int di = -1; di <= 1; ++di) {
                const Eigen::Index ii = i + di, jj = j + dj;
                if ((di == 0 && dj == 0) || ii < 0 || jj < 0 || ii >= nx || jj >= ny) continue;
                const Eigen::Index next = jj * nx + ii;
                const double through = std::max(k, values(ii, jj));
                if (through < key[next]) {
                    key[next] = through;
                    previous[next] = node;
                    open.emplace(through, next);
                }
            }
    }
    MinimaxPath result;
    result.barrier = key[goal];
    for (Eigen::Index k = goal; k >= 0; k = previous[k]) result.nodes.push_back(k);
    std::reverse(result.nodes.begin(), result.nodes.end());
    return result;
}

}  // namespace geo
