// The toy window as a user drives it: mouse drags move an endpoint and the drawn geodesic follows,
// undo puts it back, the IVP tool shoots a path, and exports write files that parse; the metric
// selector's spacetime views (the 1-D plane, a 2-D field while dragging, transition paths) and the
// Euclidean one. Core's notices reach the status bar.
#include <QTemporaryDir>
#include <QtTest>
#include <fstream>
#include <nlohmann/json.hpp>

#include <QStatusBar>
#include <thread>

#include "common/notices.h"
#include "density_plot/density_plot.h"
#include "line_plot/line_plot.h"
#include "main_window.h"
#include "toy_mode.h"

using widgets::Handle;

namespace {

void mouse(QWidget* w, QEvent::Type type, QPointF pos, Qt::MouseButtons buttons) {
    QMouseEvent e(type, pos, w->mapToGlobal(pos), Qt::LeftButton, buttons, Qt::NoModifier);
    QApplication::sendEvent(w, &e);
}

// Press on `from`, move through `steps` points to `to`, release: what a hand does with a mouse.
void drag(QWidget* w, QPointF from, QPointF to, int steps = 12) {
    mouse(w, QEvent::MouseButtonPress, from, Qt::LeftButton);
    for (int i = 1; i <= steps; ++i) {
        mouse(w, QEvent::MouseMove, from + (to - from) * (double(i) / steps), Qt::LeftButton);
        QTest::qWait(5);
    }
    mouse(w, QEvent::MouseButtonRelease, to, Qt::NoButton);
}

}  // namespace

class TestToyWindow : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void init() {
        window_ = std::make_unique<MainWindow>();
        window_->showMode(window_->toy());
        window_->show();
        QVERIFY(QTest::qWaitForWindowExposed(window_.get()));
        QTRY_VERIFY_WITH_TIMEOUT(window_->toy()->isUpToDate(), 10000);
    }
    void cleanup() { window_.reset(); }

    void dragMovesEndpointAndGeodesicFollows() {
        widgets::FieldView* view = window_->toy()->fieldView();
        const QVector<QPointF> before = view->geodesic();
        QVERIFY(before.size() == 128);
        const QPointF a = view->handlePosition(Handle::A);
        const QPointF target(-1.5, -0.8);
        drag(view, view->pixelOf(a), view->pixelOf(target));
        // The handle lands where the mouse let go (to within a pixel's worth of field units).
        QVERIFY(QLineF(view->handlePosition(Handle::A), target).length() < 0.03);
        QTRY_VERIFY_WITH_TIMEOUT(window_->toy()->isUpToDate(), 10000);
        const QVector<QPointF> after = view->geodesic();
        QVERIFY(QLineF(after.first(), view->handlePosition(Handle::A)).length() < 1e-9);
        QVERIFY(QLineF(after[64], before[64]).length() > 0.05);
        QVERIFY(window_->toy()->infoText().contains("Geodesic length"));
        QCOMPARE(window_->toy()->densityPlot()->pointCount(0), 128);

        // Undo puts A back and the geodesic with it.
        window_->toy()->undoStack()->undo();
        QTRY_VERIFY_WITH_TIMEOUT(window_->toy()->isUpToDate(), 10000);
        QVERIFY(QLineF(view->handlePosition(Handle::A), a).length() < 1e-9);
        QVERIFY(QLineF(view->geodesic()[64], before[64]).length() < 1e-6);
        window_->toy()->undoStack()->redo();
        QTRY_VERIFY_WITH_TIMEOUT(window_->toy()->isUpToDate(), 10000);
        QVERIFY(QLineF(view->handlePosition(Handle::A), target).length() < 0.03);
    }
    void dragOnEmptyGroundMovesNothing() {
        widgets::FieldView* view = window_->toy()->fieldView();
        const QPointF a = view->handlePosition(Handle::A), b = view->handlePosition(Handle::B);
        drag(view, view->pixelOf(QPointF(0, -1.2)), view->pixelOf(QPointF(0.5, -1.0)));
        QCOMPARE(view->handlePosition(Handle::A), a);
        QCOMPARE(view->handlePosition(Handle::B), b);
        QCOMPARE(window_->toy()->undoStack()->count(), 0);
    }
    void ivpToolShootsFromTheDraggedVelocity() {
        window_->toy()->setIvpToolEnabled(true);
        QTRY_VERIFY_WITH_TIMEOUT(window_->toy()->isUpToDate(), 10000);
        QVERIFY(window_->toy()->shownResult()->ivpPath.rows() == 1001);
        widgets::FieldView* view = window_->toy()->fieldView();
        const QPointF tip = view->handlePosition(Handle::IvpVelocity);
        const geo::Points before = window_->toy()->shownResult()->ivpPath;
        drag(view, view->pixelOf(tip), view->pixelOf(tip + QPointF(0, 0.8)));
        QTRY_VERIFY_WITH_TIMEOUT(window_->toy()->isUpToDate(), 10000);
        const geo::Points after = window_->toy()->shownResult()->ivpPath;
        QVERIFY((after.row(1000) - before.row(1000)).norm() > 0.1);
        // The traced length is four times the velocity arrow's (the tool shoots for time 4). The
        // polyline's chords fall short of the arc by ~h²κ²/24 per unit length (h ≈ 0.01, κ up to ~5):
        // 1e-3 relative covers that and nothing else.
        const QPointF v = view->handlePosition(Handle::IvpVelocity) - view->handlePosition(Handle::IvpStart);
        double len = 0;
        for (Eigen::Index i = 0; i + 1 < after.rows(); ++i) len += (after.row(i + 1) - after.row(i)).norm();
        const double expected = 4 * std::hypot(v.x(), v.y());
        QVERIFY2(std::abs(len - expected) < 1e-3 * expected, qPrintable(QString("%1 vs %2").arg(len).arg(expected)));
    }
    void ivpFailureKeepsTheGeodesic() {
        // Müller–Brown's potential grows like exp(0.7 r²): a long shot outwards overflows the score.
        window_->toy()->loadPreset("muller-brown");
        window_->toy()->setIvpToolEnabled(true);
        QTRY_VERIFY_WITH_TIMEOUT(window_->toy()->isUpToDate(), 10000);
        widgets::FieldView* view = window_->toy()->fieldView();
        window_->toy()->setHandle(Handle::IvpStart, QPointF(1.0, 2.0));
        window_->toy()->setHandle(Handle::IvpVelocity, QPointF(1.2, 2.1));  // handle clamped to the view; still outward
        QTRY_VERIFY_WITH_TIMEOUT(window_->toy()->isUpToDate(), 10000);
        const ToyResult* r = window_->toy()->shownResult();
        QVERIFY2(r->ivpError.contains("overflows"), qPrintable(r->ivpError));
        QVERIFY(r->bvp.has_value());
        QCOMPARE(r->ivpPath.rows(), 0);
        QVERIFY(view->geodesic().size() == 128);
    }
    void presetsSwitch() {
        for (const char* name : {"ring", "banana", "two-routes", "muller-brown"}) {
            window_->toy()->loadPreset(name);
            QTRY_VERIFY_WITH_TIMEOUT(window_->toy()->isUpToDate(), 10000);
            QVERIFY(window_->toy()->shownResult()->bvp->converged);
        }
    }
    // Core's notices (a batch halved after the GPU ran out of memory) come from worker threads and are
    // shown in the window's status bar; once the window is gone they go to stderr again.
    void noticesFromAWorkerReachTheStatusBar() {
        std::thread([] { geo::notice("out of GPU memory with 64 latents at a time: retrying with 32"); }).join();
        QTRY_COMPARE(window_->statusBar()->currentMessage(), QString("out of GPU memory with 64 latents at a time: retrying with 32"));
    }
    void exportsWriteFilesOthersCanOpen() {
        QTemporaryDir dir;
        QString error;
        QVERIFY(window_->toy()->exportPng(dir.filePath("view.png"), &error));
        QImage png(dir.filePath("view.png"));
        QVERIFY(!png.isNull() && png.width() > 400);
        QVERIFY(window_->toy()->exportPathCsv(dir.filePath("path.csv"), &error));
        std::ifstream csv(dir.filePath("path.csv").toStdString());
        std::string header;
        std::getline(csv, header);
        QCOMPARE(QString::fromStdString(header), QString("path,index,s,x,y,log_density,density"));
        QVERIFY(window_->toy()->exportPathJson(dir.filePath("path.json"), &error));
        const auto j = nlohmann::json::parse(std::ifstream(dir.filePath("path.json").toStdString()));
        QCOMPARE(int(j["points"].size()), 128);
        QVERIFY(j["length"].get<double>() < j["straight_length"].get<double>());
        // A folder that does not exist: a clear error, no crash, nothing written.
        QVERIFY(!window_->toy()->exportPathCsv("/nonexistent/dir/path.csv", &error));
        QVERIFY(error.contains("/nonexistent/dir"));
        QVERIFY(!window_->toy()->exportPng("/nonexistent/dir/view.png", &error));
    }
    void spacetimePlaneShowsGeodesicAndProbabilityFlow() {
        // The paper's toy at its default ends, A = (1, t = 1) and B where the flow from A lands at
        // t = 0.1: the flow's energy is the reference's 0.14767258 (float64, §14.4) and the geodesic
        // between the same ends is no longer than the flow.
        window_->toy()->setMetric(ToyMode::Metric::Spacetime);
        window_->toy()->loadPreset("mixture-1d");
        QTRY_VERIFY_WITH_TIMEOUT(window_->toy()->isUpToDate(), 30000);
        const SpacetimeResult* r = window_->toy()->spacetime()->shownResult();
        QVERIFY(r && r->error.isEmpty());
        QVERIFY(std::abs(r->flowEnergy.codeEnergy - 0.14767258) < 1e-6);
        QVERIFY(r->bvp.energy.length <= r->flowEnergy.length + 1e-3);
        QCOMPARE(window_->toy()->linePlot()->seriesCount(), 2);
        QCOMPARE(window_->toy()->fieldView()->handlePosition(Handle::A), QPointF(1, 1));
        // Dragging B in t (down the plane) re-solves with B's new time.
        const QPointF b = window_->toy()->fieldView()->handlePosition(Handle::B);
        drag(window_->toy()->fieldView(), window_->toy()->fieldView()->pixelOf(b), window_->toy()->fieldView()->pixelOf(b + QPointF(0, 0.3)));
        QTRY_VERIFY_WITH_TIMEOUT(window_->toy()->isUpToDate(), 30000);
        r = window_->toy()->spacetime()->shownResult();
        QVERIFY(std::abs(r->bvp.path.t[r->bvp.path.t.size() - 1] - window_->toy()->fieldView()->handlePosition(Handle::B).y()) < 1e-9);
        QVERIFY(window_->toy()->fieldView()->handlePosition(Handle::B).y() > b.y() + 0.2);
        window_->toy()->setMetric(ToyMode::Metric::Density);  // the plane exists only under the spacetime metric
        QTRY_VERIFY_WITH_TIMEOUT(window_->toy()->isUpToDate(), 10000);
        QVERIFY(window_->toy()->infoText().contains("Geodesic length"));
    }
    void spacetimeGeodesicFollowsADragIn2d() {
        window_->toy()->setMetric(ToyMode::Metric::Spacetime);
        QTRY_VERIFY_WITH_TIMEOUT(window_->toy()->isUpToDate(), 30000);
        const SpacetimeResult* r = window_->toy()->spacetime()->shownResult();
        QCOMPARE(r->bvp.path.x.rows(), Eigen::Index(64));
        QCOMPARE(r->posteriorMean.rows(), Eigen::Index(64));
        QVERIFY(window_->toy()->infoText().contains("edit distance"));
        const double before = r->bvp.energy.length;
        const QPointF a = window_->toy()->fieldView()->handlePosition(Handle::A);
        drag(window_->toy()->fieldView(), window_->toy()->fieldView()->pixelOf(a), window_->toy()->fieldView()->pixelOf(a + QPointF(1.0, 0)));
        QTRY_VERIFY_WITH_TIMEOUT(window_->toy()->isUpToDate(), 30000);
        r = window_->toy()->spacetime()->shownResult();
        QVERIFY((Eigen::Vector2d(r->bvp.path.x.row(0)) - Eigen::Vector2d(a.x() + 1.0, a.y())).norm() < 0.05);
        QVERIFY(r->bvp.energy.length < before);  // A moved towards B
        QVERIFY(window_->toy()->spacetime()->framesDrawn() >= 2);
        window_->toy()->undoStack()->undo();
        QTRY_VERIFY_WITH_TIMEOUT(window_->toy()->isUpToDate(), 30000);
        QVERIFY(std::abs(window_->toy()->spacetime()->shownResult()->bvp.energy.length - before) < 1e-3 * before);
    }
    void euclideanMetricDrawsTheSegment() {
        window_->toy()->setMetric(ToyMode::Metric::Euclidean);
        QTRY_VERIFY_WITH_TIMEOUT(window_->toy()->isUpToDate(), 10000);
        const QVector<QPointF> g = window_->toy()->fieldView()->geodesic();
        const QPointF a = window_->toy()->fieldView()->handlePosition(Handle::A), b = window_->toy()->fieldView()->handlePosition(Handle::B);
        QVERIFY(g.size() >= 2);
        for (const QPointF& p : g) QVERIFY(std::abs((b.x() - a.x()) * (p.y() - a.y()) - (b.y() - a.y()) * (p.x() - a.x())) < 1e-9);
        QVERIFY(window_->toy()->infoText().contains("Euclidean length"));
    }
    void transitionPathsOnMuellerBrown() {
        // The lower bound is Müller–Brown's A–B saddle (−40.665); 8 paths, each with its maximum energy.
        window_->toy()->setMetric(ToyMode::Metric::Spacetime);
        window_->toy()->loadPreset("muller-brown");
        QTRY_VERIFY_WITH_TIMEOUT(window_->toy()->isUpToDate(), 180000);
        const SpacetimeResult* r = window_->toy()->spacetime()->shownResult();
        QVERIFY(r->error.isEmpty());
        QCOMPARE(int(r->paths.size()), 8);
        QCOMPARE(int(r->maxEnergies.size()), 8);
        QVERIFY(std::abs(r->bound.barrier - -40.665) < 0.05);
        QVERIFY(window_->toy()->infoText().contains("Maximum energy"));
    }
    void badFieldFileIsRefusedAndTheSceneKept() {
        QTemporaryDir dir;
        const QString path = dir.filePath("bad.json");
        std::ofstream(path.toStdString()) << R"({"type": "gmm", "weights": [1], "means": [[0, 0]], "covariances": [[[1, 2], [2, 1]]]})";
        const QPointF a = window_->toy()->fieldView()->handlePosition(Handle::A);
        QTimer::singleShot(200, [] {  // the warning dialog: close it as a user would
            if (QWidget* box = QApplication::activeModalWidget()) box->close();
        });
        QVERIFY(!window_->toy()->loadFieldFile(path));
        QCOMPARE(window_->toy()->fieldView()->handlePosition(Handle::A), a);
    }

private:
    std::unique_ptr<MainWindow> window_;
};

QTEST_MAIN(TestToyWindow)
#include "test_toy_window.moc"
