// The toy window as a user drives it: mouse drags move an endpoint and the drawn geodesic follows,
// undo puts it back, the IVP tool shoots a path, and exports write files that parse.
#include <QTemporaryDir>
#include <QtTest>
#include <fstream>
#include <nlohmann/json.hpp>

#include "density_plot/density_plot.h"
#include "main_window.h"

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
        window_->show();
        QVERIFY(QTest::qWaitForWindowExposed(window_.get()));
        QTRY_VERIFY_WITH_TIMEOUT(window_->isUpToDate(), 10000);
    }
    void cleanup() { window_.reset(); }

    void dragMovesEndpointAndGeodesicFollows() {
        widgets::FieldView* view = window_->fieldView();
        const QVector<QPointF> before = view->geodesic();
        QVERIFY(before.size() == 128);
        const QPointF a = view->handlePosition(Handle::A);
        const QPointF target(-1.5, -0.8);
        drag(view, view->pixelOf(a), view->pixelOf(target));
        // The handle lands where the mouse let go (to within a pixel's worth of field units).
        QVERIFY(QLineF(view->handlePosition(Handle::A), target).length() < 0.03);
        QTRY_VERIFY_WITH_TIMEOUT(window_->isUpToDate(), 10000);
        const QVector<QPointF> after = view->geodesic();
        QVERIFY(QLineF(after.first(), view->handlePosition(Handle::A)).length() < 1e-9);
        QVERIFY(QLineF(after[64], before[64]).length() > 0.05);
        QVERIFY(window_->infoText().contains("Geodesic length"));
        QCOMPARE(window_->densityPlot()->pointCount(0), 128);

        // Undo puts A back and the geodesic with it.
        window_->undoStack()->undo();
        QTRY_VERIFY_WITH_TIMEOUT(window_->isUpToDate(), 10000);
        QVERIFY(QLineF(view->handlePosition(Handle::A), a).length() < 1e-9);
        QVERIFY(QLineF(view->geodesic()[64], before[64]).length() < 1e-6);
        window_->undoStack()->redo();
        QTRY_VERIFY_WITH_TIMEOUT(window_->isUpToDate(), 10000);
        QVERIFY(QLineF(view->handlePosition(Handle::A), target).length() < 0.03);
    }
    void dragOnEmptyGroundMovesNothing() {
        widgets::FieldView* view = window_->fieldView();
        const QPointF a = view->handlePosition(Handle::A), b = view->handlePosition(Handle::B);
        drag(view, view->pixelOf(QPointF(0, -1.2)), view->pixelOf(QPointF(0.5, -1.0)));
        QCOMPARE(view->handlePosition(Handle::A), a);
        QCOMPARE(view->handlePosition(Handle::B), b);
        QCOMPARE(window_->undoStack()->count(), 0);
    }
    void ivpToolShootsFromTheDraggedVelocity() {
        window_->setIvpToolEnabled(true);
        QTRY_VERIFY_WITH_TIMEOUT(window_->isUpToDate(), 10000);
        QVERIFY(window_->shownResult()->ivpPath.rows() == 1001);
        widgets::FieldView* view = window_->fieldView();
        const QPointF tip = view->handlePosition(Handle::IvpVelocity);
        const geo::Points before = window_->shownResult()->ivpPath;
        drag(view, view->pixelOf(tip), view->pixelOf(tip + QPointF(0, 0.8)));
        QTRY_VERIFY_WITH_TIMEOUT(window_->isUpToDate(), 10000);
        const geo::Points after = window_->shownResult()->ivpPath;
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
        window_->loadPreset("muller-brown");
        window_->setIvpToolEnabled(true);
        QTRY_VERIFY_WITH_TIMEOUT(window_->isUpToDate(), 10000);
        widgets::FieldView* view = window_->fieldView();
        window_->setHandle(Handle::IvpStart, QPointF(1.0, 2.0));
        window_->setHandle(Handle::IvpVelocity, QPointF(1.2, 2.1));  // handle clamped to the view; still outward
        QTRY_VERIFY_WITH_TIMEOUT(window_->isUpToDate(), 10000);
        const ToyResult* r = window_->shownResult();
        QVERIFY2(r->ivpError.contains("overflows"), qPrintable(r->ivpError));
        QVERIFY(r->bvp.has_value());
        QCOMPARE(r->ivpPath.rows(), 0);
        QVERIFY(view->geodesic().size() == 128);
    }
    void presetsSwitch() {
        for (const char* name : {"ring", "banana", "two-routes", "muller-brown"}) {
            window_->loadPreset(name);
            QTRY_VERIFY_WITH_TIMEOUT(window_->isUpToDate(), 10000);
            QVERIFY(window_->shownResult()->bvp->converged);
        }
    }
    void exportsWriteFilesOthersCanOpen() {
        QTemporaryDir dir;
        QString error;
        QVERIFY(window_->exportPng(dir.filePath("view.png"), &error));
        QImage png(dir.filePath("view.png"));
        QVERIFY(!png.isNull() && png.width() > 400);
        QVERIFY(window_->exportPathCsv(dir.filePath("path.csv"), &error));
        std::ifstream csv(dir.filePath("path.csv").toStdString());
        std::string header;
        std::getline(csv, header);
        QCOMPARE(QString::fromStdString(header), QString("path,index,s,x,y,log_density,density"));
        QVERIFY(window_->exportPathJson(dir.filePath("path.json"), &error));
        const auto j = nlohmann::json::parse(std::ifstream(dir.filePath("path.json").toStdString()));
        QCOMPARE(int(j["points"].size()), 128);
        QVERIFY(j["length"].get<double>() < j["straight_length"].get<double>());
        // A folder that does not exist: a clear error, no crash, nothing written.
        QVERIFY(!window_->exportPathCsv("/nonexistent/dir/path.csv", &error));
        QVERIFY(error.contains("/nonexistent/dir"));
        QVERIFY(!window_->exportPng("/nonexistent/dir/view.png", &error));
    }
    void badFieldFileIsRefusedAndTheSceneKept() {
        QTemporaryDir dir;
        const QString path = dir.filePath("bad.json");
        std::ofstream(path.toStdString()) << R"({"type": "gmm", "weights": [1], "means": [[0, 0]], "covariances": [[[1, 2], [2, 1]]]})";
        const QPointF a = window_->fieldView()->handlePosition(Handle::A);
        QTimer::singleShot(200, [] {  // the warning dialog: close it as a user would
            if (QWidget* box = QApplication::activeModalWidget()) box->close();
        });
        QVERIFY(!window_->loadFieldFile(path));
        QCOMPARE(window_->fieldView()->handlePosition(Handle::A), a);
    }

private:
    std::unique_ptr<MainWindow> window_;
};

QTEST_MAIN(TestToyWindow)
#include "test_toy_window.moc"
