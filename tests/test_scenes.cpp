// Procedural scenes: deterministic from a seed, one to three well-separated objects on the floor,
// and renders that show the object, its shadow and the metal's highlight.
#include <QtTest>
#include <set>

#include "common/errors.h"
#include "scenes/scene.h"

using namespace geo;

namespace {

struct Rgb {
    int r, g, b;
};
Rgb at(const RgbImage& im, int i) { return {im.rgb[3 * i], im.rgb[3 * i + 1], im.rgb[3 * i + 2]}; }
bool grey(Rgb c) { return std::abs(c.r - c.g) < 8 && std::abs(c.g - c.b) < 8; }

Scene oneSphere(bool metal) {
    SceneObject o;
    o.shape = Shape::Sphere;
    o.size = 0.7;
    o.r = 0.68;
    o.g = 0.14;
    o.b = 0.14;
    o.metal = metal;
    return {{o}};
}

}  // namespace

class TestScenes : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void sameSeedSameScene() {
        for (uint64_t seed : {0ull, 1ull, 12345ull}) {
            QCOMPARE(renderScene(randomScene(seed)).rgb, renderScene(randomScene(seed)).rgb);
            QCOMPARE(describeScene(randomScene(seed)), describeScene(randomScene(seed)));
        }
        QVERIFY(renderScene(randomScene(1)).rgb != renderScene(randomScene(2)).rgb);
    }
    void objectsAreOnTheFloorAndApart() {
        std::set<size_t> counts;
        std::set<int> shapes;
        for (uint64_t seed = 0; seed < 300; ++seed) {
            const Scene s = randomScene(seed);
            counts.insert(s.objects.size());
            for (size_t i = 0; i < s.objects.size(); ++i) {
                const SceneObject& a = s.objects[i];
                shapes.insert(static_cast<int>(a.shape));
                QVERIFY(std::abs(a.x) + a.size <= 3.0 + 1e-9 && std::abs(a.y) + a.size <= 3.0 + 1e-9);
                for (size_t j = 0; j < i; ++j) {
                    const SceneObject& b = s.objects[j];
                    QVERIFY(std::hypot(a.x - b.x, a.y - b.y) > (a.size + b.size) * 1.45);  // cubes' corners do not touch
                }
            }
        }
        QCOMPARE(counts, (std::set<size_t>{1, 2, 3}));
        QCOMPARE(shapes.size(), size_t(3));
    }
    void renderShowsObjectShadowAndHighlight() {
        const RgbImage floor = renderScene(Scene{}), rubber = renderScene(oneSphere(false)), metal = renderScene(oneSphere(true));
        QCOMPARE(rubber.width, 64);
        int red = 0, shadow = 0, rubberPeak = 0, metalPeak = 0;
        for (int i = 0; i < 64 * 64; ++i) {
            const Rgb f = at(floor, i), r = at(rubber, i), m = at(metal, i);
            if (r.r > r.g + 40) ++red;
            // Shadow: still floor-coloured, but clearly darker than the empty floor there.
            if (grey(r) && r.g < f.g - 25) ++shadow;
            if (r.r > r.g + 40) rubberPeak = std::max(rubberPeak, r.g);
            if (m.r > m.g + 40 || m.g > 200) metalPeak = std::max(metalPeak, m.g);
        }
        QVERIFY2(red > 60, qPrintable(QString::number(red)));
        QVERIFY2(shadow > 20, qPrintable(QString::number(shadow)));
        QVERIFY2(metalPeak > rubberPeak + 40, qPrintable(QString("%1 vs %2").arg(metalPeak).arg(rubberPeak)));
    }
    void videoMovesOneObject() {
        const std::vector<RgbImage> frames = renderSceneVideo(3, 6);
        QCOMPARE(frames.size(), size_t(6));
        QCOMPARE(frames[0].rgb, renderScene(randomScene(3)).rgb);
        for (size_t f = 1; f < frames.size(); ++f) QVERIFY(frames[f].rgb != frames[f - 1].rgb);
        QVERIFY_THROWS_EXCEPTION(InputError, renderSceneVideo(3, 1));
        QVERIFY_THROWS_EXCEPTION(InputError, renderScene(Scene{}, 2));
    }
};

QTEST_APPLESS_MAIN(TestScenes)
#include "test_scenes.moc"
