#pragma once

#include <QObject>
#include <QString>

namespace vigie::app {

class MainWindow;

/// `vigie --screenshot FILE` and the GUI tests' pictures: waits until what
/// the picture must show is on screen (the study, the model's heatmap and
/// first finding, the 3D rendering, the DR model's verdict), renders the
/// window into a PNG and quits the application: exit code 0 when the file
/// was written, 1 when loading, the model or writing failed (the reason on
/// stderr).
class ScreenshotDriver : public QObject {
  Q_OBJECT
 public:
  explicit ScreenshotDriver(MainWindow* window);

  /// After the next study shown (or at once if one is), with the CT model
  /// run first when `runModel`.
  void afterStudy(const QString& file, bool runModel);
  /// After the DR model has run on the photograph shown.
  void afterFundusModel(const QString& file);
  /// The window as it is.
  void now(const QString& file);

 private:
  enum class Waiting { Nothing, Study, CtModel, FundusModel };

  void studyShown();
  void shootSoon();
  void shoot();
  void fail(const QString& message);

  MainWindow* window_;
  QString file_;
  Waiting waiting_ = Waiting::Nothing;
  bool runModel_ = false;
};

}  // namespace vigie::app
