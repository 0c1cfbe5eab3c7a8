#pragma once

#include <QMainWindow>
#include <QString>
#include <array>

#include "StudyLoader.h"
#include "vigie/core/SliceImage.h"

class QLabel;
class QListWidget;
class QProgressBar;

namespace vigie::app {

class SliceViewport;

/// The reading window: axial, coronal and sagittal views of a CT series in a
/// 2x2 grid with a study panel, window presets, and loading in the background
/// with progress in the status bar. Problems (unreadable files, uneven
/// spacing) go to the study panel's list, never to a pile of dialogs.
class MainWindow : public QMainWindow {
  Q_OBJECT
 public:
  explicit MainWindow(QWidget* parent = nullptr);
  ~MainWindow() override;

  /// Starts loading a file or folder; returns at once.
  void openPath(const QString& path);

  /// After the next successful load (or at once if one is shown), renders the
  /// window into `file` and quits the application: exit code 0 on success, 1
  /// if loading or writing failed.
  void screenshotAndQuit(const QString& file);

  SliceViewport* viewport(core::SlicePlane plane) const;
  bool hasStudy() const;
  const QStringList& problems() const { return problems_; }

 Q_SIGNALS:
  void studyShown();
  void studyFailed(const QString& message);

 private:
  void buildMenus();
  void buildLayout();
  void applyWindow(core::HuWindow window);
  void showStudy(const LoadedStudy& study);
  void showFailure(const QString& message);
  void showShortcuts();
  void takeScreenshot();

  StudyLoader loader_;
  std::array<SliceViewport*, 3> viewports_{};
  QLabel* studySummary_ = nullptr;
  QListWidget* problemList_ = nullptr;
  QProgressBar* progress_ = nullptr;
  QStringList problems_;
  QString pendingScreenshot_;
};

}  // namespace vigie::app
