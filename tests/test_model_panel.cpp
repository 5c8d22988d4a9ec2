// The model chooser as a user meets it: a Stable Diffusion folder loads off the GUI thread and shows
// its device, dtype and prompt fields; a bad path keeps the model in place and says why; a sample
// arrives as an image of the model's size; the shipped model has no prompt.
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QtTest>

#include "model_panel.h"
#include "sd_fixture_model.h"

namespace {

bool waitIdle(ModelPanel& p) {
    QSignalSpy idle(&p, &ModelPanel::idle);
    return idle.wait(120000);
}

}  // namespace

class TestModelPanel : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void stableDiffusionLoadsSamplesAndSurvivesABadFile() {
        QTemporaryDir dir;
        assembleTinySd(dir.path().toStdString());
        ModelService service;
        ModelPanel panel(&service);
        panel.show();
        panel.loadModel(dir.path(), "cpu", "float32");
        QVERIFY(panel.busy());  // the GUI thread is free while it loads
        QVERIFY(waitIdle(panel));
        QVERIFY2(panel.current().description.contains("diffusers folder"), qPrintable(panel.message()));
        QCOMPARE(panel.current().device, QString("cpu"));
        QCOMPARE(panel.current().dtype, QString("float32"));
        QVERIFY(panel.current().textConditioned);
        QVERIFY(panel.promptVisible());

        panel.setPrompt("a dog jumping");
        QVERIFY(panel.sample());
        QVERIFY(!panel.sample());  // one at a time
        QVERIFY(waitIdle(panel));
        QCOMPARE(panel.preview().size(), QSize(64, 64));

        const ModelInfo before = panel.current();
        panel.loadModel("/nonexistent/model.ckpt", "cpu", "float32");
        QVERIFY(waitIdle(panel));
        QVERIFY2(panel.message().contains("Could not load /nonexistent/model.ckpt"), qPrintable(panel.message()));
        QVERIFY2(panel.message().contains("Still using " + before.description), qPrintable(panel.message()));
        QCOMPARE(panel.current().description, before.description);
        QVERIFY(panel.promptVisible());

        panel.loadModel({}, "cpu", "float32");
        QVERIFY(waitIdle(panel));
        QVERIFY(!panel.current().textConditioned);
        QVERIFY(!panel.promptVisible());
    }
};

QTEST_MAIN(TestModelPanel)
#include "test_model_panel.moc"
