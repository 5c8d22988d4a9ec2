// The discrete schedule against the reference's numbers (density-geodesics.md §3.1, computed there
// from the same beta schedule): timesteps, ᾱ, σ and log-SNR at the published noise levels.
#include <QtTest>

#include "common/errors.h"
#include "schedule/discrete_schedule.h"

using geo::DiscreteSchedule;

class TestSchedule : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void ddimGridIsLeadingWithOffsetOne() {
        const DiscreteSchedule s;
        const std::vector<int> t = s.ddimTimesteps(50);
        QCOMPARE(t.size(), size_t(50));
        QCOMPARE(t.front(), 981);
        QCOMPARE(t[1], 961);
        QCOMPARE(t.back(), 1);
    }
    void noiseLevelsMapToTheReferenceTable_data() {
        QTest::addColumn<double>("level");
        QTest::addColumn<int>("timestep");
        QTest::addColumn<double>("alphaBar");
        QTest::addColumn<double>("sigma");
        QTest::addColumn<double>("logSnr");
        QTest::newRow("0.5") << 0.5 << 481 << 0.3023 << 0.8353 << -0.836;
        QTest::newRow("0.6") << 0.6 << 581 << 0.17986 << 0.9056 << -1.517;
        QTest::newRow("0.7") << 0.7 << 681 << 0.09464 << 0.9515 << -2.258;
        QTest::newRow("0.8") << 0.8 << 781 << 0.04346 << 0.9780 << -3.092;
    }
    void noiseLevelsMapToTheReferenceTable() {
        // Tolerances are half a unit in the last printed digit of the reference table.
        QFETCH(double, level);
        QFETCH(int, timestep);
        QFETCH(double, alphaBar);
        QFETCH(double, sigma);
        QFETCH(double, logSnr);
        const DiscreteSchedule s;
        QCOMPARE(s.timestepForNoiseLevel(level), timestep);
        const double digits = alphaBar < 0.1 || level == 0.6 ? 5e-6 : 5e-5;
        QVERIFY2(std::abs(s.alphaBar(timestep) - alphaBar) <= digits, qPrintable(QString::number(s.alphaBar(timestep), 'g', 8)));
        QVERIFY(std::abs(s.sigma(timestep) - sigma) <= 5e-5);
        QVERIFY(std::abs(s.logSnr(timestep) - logSnr) <= 5e-4);
    }
    void firstStepIsTheUnitAlphaBarOfSdConfigs() {
        // With set_alpha_to_one false, the last DDIM step targets ᾱ_0 = 1 − 0.00085 = 0.99915.
        QVERIFY(std::abs(DiscreteSchedule().alphaBar(0) - 0.99915) < 1e-12);
    }
    void smallestLevelsClampToTheFirstStep() {
        QCOMPARE(DiscreteSchedule().timestepForNoiseLevel(0.001), 1);
        QCOMPARE(DiscreteSchedule().timestepForNoiseLevel(1.0), 981);
    }
    void badArgumentsAreRejected() {
        const DiscreteSchedule s;
        QVERIFY_THROWS_EXCEPTION(geo::InputError, s.alphaBar(1000));
        QVERIFY_THROWS_EXCEPTION(geo::InputError, s.alphaBar(-1));
        QVERIFY_THROWS_EXCEPTION(geo::InputError, s.timestepForNoiseLevel(0));
        QVERIFY_THROWS_EXCEPTION(geo::InputError, s.timestepForNoiseLevel(1.5));
        QVERIFY_THROWS_EXCEPTION(geo::InputError, s.ddimTimesteps(0));
    }
};

QTEST_APPLESS_MAIN(TestSchedule)
#include "test_schedule.moc"
