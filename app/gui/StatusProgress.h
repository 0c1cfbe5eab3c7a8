#pragma once

#include <QElapsedTimer>
#include <QObject>

class QProgressBar;
class QPushButton;
class QStatusBar;

namespace vigie::app {

/// The progress bar and Cancel button at the right of the status bar, for
/// the long jobs (loading a study, running a model). Progress is drawn a few
/// times a second at most: each repaint of the status bar recomposes the
/// whole window with its GL views, tens of milliseconds on software OpenGL.
class StatusProgress : public QObject {
  Q_OBJECT
 public:
  explicit StatusProgress(QStatusBar* statusBar);

  /// Shows the bar at 0, with Cancel when the job can be cancelled.
  void start(bool cancellable);
  /// `done` of `total`; the last step is always drawn.
  void update(int done, int total);
  /// Hides the bar and Cancel.
  void stop();

 Q_SIGNALS:
  void cancelRequested();

 private:
  QProgressBar* bar_;
  QPushButton* cancel_;
  QElapsedTimer lastDrawn_;
};

}  // namespace vigie::app
