#include "main_window.h"

#include <QApplication>
#include <QDockWidget>
#include <QMenuBar>
#include <QPointer>
#include <QSettings>
#include <QStatusBar>
#include <QTabWidget>

#include "common/notices.h"

#include "image_mode.h"
#include "model_panel.h"
#include "thread_handoff.h"
#include "toy_mode.h"
#include "video_mode.h"

MainWindow::MainWindow(QWidget* parent) : QMainWindow(parent), service_(std::make_unique<ModelService>()) {
    setWindowTitle("Geodesic Explorer");
    toy_ = new ToyMode;
    images_ = new ImageMode(service_.get());
    video_ = new VideoMode(service_.get());
    tabs_ = new QTabWidget;
    tabs_->setDocumentMode(true);
    // Images first: what the program exists for. It loads the model when first shown.
    for (Mode* m : {static_cast<Mode*>(images_), static_cast<Mode*>(video_), static_cast<Mode*>(toy_)}) {
        tabs_->addTab(m, m->title());
        undo_.addStack(m->undoStack());
    }
    setCentralWidget(tabs_);

    file_ = menuBar()->addMenu("&File");
    QMenu* edit = menuBar()->addMenu("&Edit");
    QAction* undo = undo_.createUndoAction(this, "&Undo");
    undo->setShortcut(QKeySequence::Undo);
    QAction* redo = undo_.createRedoAction(this, "&Redo");
    redo->setShortcut(QKeySequence::Redo);
    edit->addAction(undo);
    edit->addAction(redo);

    // The model chooser waits in a dock until asked for, so the toy modes start without LibTorch work.
    modelPanel_ = new ModelPanel(service_.get());
    modelDock_ = new QDockWidget("Model", this);
    modelDock_->setWidget(modelPanel_);
    addDockWidget(Qt::RightDockWidgetArea, modelDock_);
    modelDock_->hide();
    QMenu* model = menuBar()->addMenu("&Model");
    model->addAction("&Choose model…", this, [this] {
        showModelPanel();
        if (!service_->hasModel() && !service_->isLoading()) modelPanel_->loadModel({});
    });
    connect(service_.get(), &ModelService::loaded, this, [](const ModelInfo& info) {
        QSettings s;  // the next session starts on this model
        s.setValue("model/path", info.path);
        s.setValue("model/device", info.device.startsWith("cuda") ? "cuda" : "cpu");
        s.setValue("model/dtype", info.requestedDtype);
    });
    connect(tabs_, &QTabWidget::currentChanged, this, &MainWindow::modeChanged);
    modeChanged();

    // Core's notices (a retry in smaller batches after the GPU ran out of memory) come from worker
    // threads: shown in the status bar from the GUI thread.
    QPointer<QStatusBar> bar = statusBar();
    geo::setNoticeSink([bar](const std::string& message) {
        queueOn(qApp, [bar, text = QString::fromStdString(message)] { if (bar) bar->showMessage(text, 20000); });
    });
    resize(1360, 860);
}

MainWindow::~MainWindow() {
    geo::setNoticeSink({});
    // The modes and the panel cancel their jobs as they go, so they go while the service is alive.
    disconnect(tabs_, nullptr, this, nullptr);
    delete modelDock_;
    delete tabs_;
}

void MainWindow::modeChanged() {
    Mode* m = currentMode();
    if (!m) return;
    undo_.setActiveStack(m->undoStack());
    file_->clear();
    file_->addActions(m->fileActions());
    file_->addSeparator();
    file_->addAction("&Quit", QKeySequence::Quit, qApp, &QApplication::quit);
}

void MainWindow::showModelPanel() { modelDock_->show(); }
void MainWindow::showMode(Mode* mode) { tabs_->setCurrentWidget(mode); }
Mode* MainWindow::currentMode() const { return static_cast<Mode*>(tabs_->currentWidget()); }
bool MainWindow::isUpToDate() const { return currentMode()->isUpToDate(); }
