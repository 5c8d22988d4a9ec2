// Drag speed as a user feels it: the real window, offscreen, fed mouse moves at 60 Hz that drag A
// around a loop for three seconds. Prints redraws of the geodesic per second and the latency from
// a move to its drawn geodesic (median over repeated single moves). With --metric spacetime: the 2-D
// spacetime geodesic (64 points) under the same drag, redraws per second (median of three 3-second
// drags) and the median time of the warm-started quick solves that produced them.
#include <QApplication>
#include <QElapsedTimer>
#include <QEventLoop>
#include <QMouseEvent>
#include <QTimer>
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <functional>
#include <string>
#include <vector>

#include "mouse_event.h"
#include "toy_mode.h"

namespace {
// Waits block in an event loop, as a real application idles: a spinning wait would take a whole
// core from the solver thread on a two-core machine.
void pump(int ms) {
    QEventLoop loop;
    QTimer::singleShot(ms, &loop, &QEventLoop::quit);
    loop.exec();
}
bool waitUpToDate(ToyMode& w, int timeoutMs = 5000) {
    QElapsedTimer t;
    t.start();
    while (!w.isUpToDate() && t.elapsed() < timeoutMs) pump(1);
    return w.isUpToDate();
}

struct Drag {
    double seconds = 0;
    int moves = 0, frames = 0;
};
// Presses on A and moves it through loopPoint(0.05 k) every 16 ms for 3 s, the event loop running in
// between (as a hand on a mouse), then releases; `eachTick` runs after every move.
Drag sustainedDrag(ToyMode& w, const std::function<QPointF(double)>& loopPoint, const std::function<void()>& eachTick = {}) {
    widgets::FieldView* view = w.fieldView();
    mouse(view, QEvent::MouseButtonPress, view->pixelOf(view->handlePosition(widgets::Handle::A)), Qt::LeftButton);
    const int before = w.framesDrawn();
    QElapsedTimer clock;
    clock.start();
    Drag d;
    while (clock.elapsed() < 3000) {
        mouse(view, QEvent::MouseMove, loopPoint(d.moves++ * 0.05), Qt::LeftButton);
        pump(16);
        if (eachTick) eachTick();
    }
    d.seconds = clock.elapsed() / 1000.0;
    d.frames = w.framesDrawn() - before;
    mouse(view, QEvent::MouseButtonRelease, loopPoint(d.moves * 0.05), Qt::NoButton);
    return d;
}
}  // namespace

int spacetimeDrags() {
    for (const char* preset : {"figure1", "ring", "banana", "two-routes"}) {
        ToyMode w;
        w.setMetric(ToyMode::Metric::Spacetime);
        w.loadPreset(preset);
        w.show();
        waitUpToDate(w, 60000);
        widgets::FieldView* view = w.fieldView();
        std::vector<double> rates, solveMs;
        for (int run = 0; run < 3; ++run) {
            const QPointF a = view->handlePosition(widgets::Handle::A);
            const QPointF centre = view->pixelOf(a) + QPointF(40, 0);
            auto loopPoint = [&](double t) { return centre + QPointF(-std::cos(t) * 40, std::sin(t) * 40); };
            const SpacetimeResult* seen = w.spacetime()->shownResult();
            const Drag d = sustainedDrag(w, loopPoint, [&] {
                const SpacetimeResult* r = w.spacetime()->shownResult();
                if (r && r != seen && r->quick) solveMs.push_back(r->seconds * 1e3);
                seen = r;
            });
            rates.push_back(d.frames / d.seconds);
            waitUpToDate(w, 60000);
        }
        std::sort(rates.begin(), rates.end());
        std::nth_element(solveMs.begin(), solveMs.begin() + solveMs.size() / 2, solveMs.end());
        std::printf("spacetime %-11s %5.1f redraws/s during a 60 Hz drag (median of 3; %.1f–%.1f); quick solve median %.1f ms over %zu\n",
                    preset, rates[1], rates[0], rates[2], solveMs.empty() ? 0.0 : solveMs[solveMs.size() / 2], solveMs.size());
    }
    return 0;
}

int main(int argc, char** argv) {
    qputenv("QT_QPA_PLATFORM", "offscreen");
    QApplication app(argc, argv);
    if (argc > 2 && std::string(argv[1]) == "--metric" && std::string(argv[2]) == "spacetime") return spacetimeDrags();
    for (const char* preset : {"figure1", "two-routes", "muller-brown"}) {
        ToyMode w;
        w.loadPreset(preset);
        w.show();
        waitUpToDate(w);
        widgets::FieldView* view = w.fieldView();
        const QPointF a = view->handlePosition(widgets::Handle::A);
        const QRectF box(view->pixelOf(a) - QPointF(40, 40), QSizeF(80, 80));
        auto loopPoint = [&](double t) { return box.center() + QPointF(std::cos(t) * 40, std::sin(t) * 40); };

        const Drag sustained = sustainedDrag(w, loopPoint);
        waitUpToDate(w);

        // Latency: one move, then wait until its geodesic is drawn.
        std::vector<double> latency;
        for (int i = 0; i < 60; ++i) {
            const QPointF p = loopPoint(i * 0.1);
            pump(35);  // past the draw throttle, so it does not add to the figure
            QElapsedTimer t;
            t.start();
            mouse(view, QEvent::MouseButtonPress, view->pixelOf(view->handlePosition(widgets::Handle::A)), Qt::LeftButton);
            mouse(view, QEvent::MouseMove, p, Qt::LeftButton);
            mouse(view, QEvent::MouseButtonRelease, p, Qt::NoButton);
            waitUpToDate(w);
            latency.push_back(t.nsecsElapsed() / 1e6);
        }
        std::nth_element(latency.begin(), latency.begin() + latency.size() / 2, latency.end());
        std::printf("%-13s %5.1f redraws/s during a 60 Hz drag (%d moves, %d redraws); move-to-drawn latency median %.1f ms\n",
                    preset, sustained.frames / sustained.seconds, sustained.moves, sustained.frames, latency[latency.size() / 2]);
    }
    return 0;
}
