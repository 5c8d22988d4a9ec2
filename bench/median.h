#pragma once
#include <algorithm>
#include <chrono>
#include <vector>

// Median wall time of `runs` calls of f, in milliseconds, after one warm-up call.
template <typename F>
double medianMs(int runs, F&& f) {
    f();
    std::vector<double> t;
    for (int i = 0; i < runs; ++i) {
        const auto start = std::chrono::steady_clock::now();
        f();
        t.push_back(std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count());
    }
    std::nth_element(t.begin(), t.begin() + t.size() / 2, t.end());
    return t[t.size() / 2];
}
