#pragma once
// A mouse event sent to a widget as a hand on a mouse would cause it, for the GUI benchmarks.
#include <QApplication>
#include <QMouseEvent>
#include <QWidget>

inline void mouse(QWidget* w, QEvent::Type type, QPointF pos, Qt::MouseButtons buttons) {
    QMouseEvent e(type, pos, w->mapToGlobal(pos), Qt::LeftButton, buttons, Qt::NoModifier);
    QApplication::sendEvent(w, &e);
}
