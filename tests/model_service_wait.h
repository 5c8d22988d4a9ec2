#pragma once
// GUI tests: wait (up to a minute, events flowing) until the service has a model and no load pending.
#include <QElapsedTimer>
#include <QTest>

#include "model_service.h"

inline bool waitForModel(ModelService& service) {
    QElapsedTimer t;
    t.start();
    while (!(service.hasModel() && !service.isLoading()) && t.elapsed() < 60000) QTest::qWait(20);
    return service.hasModel();
}
