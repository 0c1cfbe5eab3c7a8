#include "ScreenshotDriver.h"

#include <QApplication>
#include <QPixmap>
#include <QTimer>

#include "FindingsPanel.h"
#include "MainWindow.h"
#include "VolumeRenderView.h"

namespace vigie::app {

ScreenshotDriver::ScreenshotDriver(MainWindow* window) : QObject(window), window_(window) {
  connect(window, &MainWindow::studyShown, this, &ScreenshotDriver::studyShown);
  connect(window, &MainWindow::studyFailed, this, [this](const QString& message) {
    if (waiting_ == Waiting::Study) fail(message);
  });
  connect(window, &MainWindow::modelFinished, this, [this] {
    if (waiting_ != Waiting::CtModel) return;
    window_->findingsPanel()->select(0);
    shootSoon();
  });
  connect(window, &MainWindow::modelFailed, this, [this](const QString& message) {
    if (waiting_ == Waiting::CtModel) fail(message);
  });
  connect(window, &MainWindow::fundusModelFinished, this, [this] {
    if (waiting_ == Waiting::FundusModel) shootSoon();
  });
  connect(window, &MainWindow::fundusModelFailed, this, [this](const QString& message) {
    if (waiting_ == Waiting::FundusModel) fail(message);
  });
}

void ScreenshotDriver::afterStudy(const QString& file, bool runModel) {
  file_ = file;
  runModel_ = runModel;
  waiting_ = Waiting::Study;
  if (window_->hasStudy()) studyShown();
}

void ScreenshotDriver::afterFundusModel(const QString& file) {
  file_ = file;
  waiting_ = Waiting::FundusModel;
  window_->runFundusModel();
}

void ScreenshotDriver::now(const QString& file) {
  file_ = file;
  shootSoon();
}

void ScreenshotDriver::studyShown() {
  if (waiting_ != Waiting::Study) return;
  // A series of 2D images opens in the Images tab, where no model runs.
  if (runModel_ && window_->currentTab() == MainWindow::Tab::Ct) {
    waiting_ = Waiting::CtModel;
    window_->runModel();
    return;
  }
  shootSoon();
}

void ScreenshotDriver::shootSoon() {
  waiting_ = Waiting::Nothing;
  // Give Qt a few event-loop turns to lay out and paint the GL views.
  QTimer::singleShot(400, this, &ScreenshotDriver::shoot);
}

void ScreenshotDriver::shoot() {
  VolumeRenderView* volume = window_->volumeView();
  if (window_->currentTab() != MainWindow::Tab::Fundus && volume->preparing()) {
    // The 3D view belongs in the picture: wait for it to be ready.
    connect(
        volume, &VolumeRenderView::volumeReady, this,
        [this] { QTimer::singleShot(300, this, &ScreenshotDriver::shoot); },
        Qt::SingleShotConnection);
    return;
  }
  const QPixmap shot = window_->grab();
  const bool saved = !shot.isNull() && shot.save(file_, "PNG");
  if (!saved) qCritical("vigie: cannot write screenshot %s", qPrintable(file_));
  QApplication::exit(saved ? 0 : 1);
}

void ScreenshotDriver::fail(const QString& message) {
  waiting_ = Waiting::Nothing;
  qCritical("vigie: %s", qPrintable(message));
  QApplication::exit(1);
}

}  // namespace vigie::app
