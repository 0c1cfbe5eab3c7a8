#pragma once

#include <QObject>
#include <QString>
#include <memory>

#include "ModelRunner.h"
#include "vigie/core/Volume.h"

namespace vigie::app {

/// The CT tab's model: which bundle "Run nodule model" uses, and one run of
/// it at a time over the open volume on a worker thread (ModelRunner), with
/// its progress and Cancel. It knows nothing of views or menus: MainWindow
/// shows finished() in the views and the progress in the status bar.
class CtModelRun : public QObject {
  Q_OBJECT
 public:
  explicit CtModelRun(QObject* parent = nullptr);

  /// A Vigie bundle (folder or zip) or a MONAI bundle (folder, zip, model.ts).
  void setBundle(const QString& bundle) { bundle_ = bundle; }
  const QString& bundle() const { return bundle_; }
  /// The bundle a file picked in the file dialog stands for: a manifest.json
  /// its folder, a MONAI bundle's configs/metadata.json the bundle's root,
  /// anything else (a zip, an exported model.ts) itself.
  static QString bundleForChosenFile(const QString& file);

  /// Starts the bundle over `volume`, cancelling a run in flight; false, with
  /// the reason in status(), when there is no volume or no bundle.
  bool start(std::shared_ptr<const core::CtVolume> volume);
  /// Stops a run in flight (it says so); nothing when none is.
  void cancel();
  bool busy() const { return runner_.busy(); }

 Q_SIGNALS:
  void busyChanged(bool busy);
  void progress(int percent);
  /// A line for the status bar, for `timeoutMs` (0: until replaced).
  void status(const QString& message, int timeoutMs);
  void finished(const vigie::app::ModelRun& run);
  void failed(const QString& message);

 private:
  ModelRunner runner_;
  QString bundle_;
};

}  // namespace vigie::app
