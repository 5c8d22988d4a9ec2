#pragma once
// A page of the main window (the toy densities, the images): it owns its widgets, controls, workers
// and export, and keeps its state while another mode is shown.
#include <QList>
#include <QWidget>

class QAction;
class QUndoStack;

class Mode : public QWidget {
    Q_OBJECT
public:
    using QWidget::QWidget;
    virtual QString title() const = 0;
    virtual QList<QAction*> fileActions() const = 0;  // the File menu while this mode is shown
    virtual QUndoStack* undoStack() = 0;
    virtual bool isUpToDate() const = 0;               // nothing in flight: what is drawn is final
};
