#pragma once

#include <QObject>
#include <QString>
#include <QStringList>
#include <atomic>
#include <memory>
#include <vector>

#include "BackgroundJob.h"
#include "vigie/core/Finding.h"
#include "vigie/core/Volume.h"

namespace vigie::app {

/// What a finished model run hands to the GUI.
struct ModelRun {
  std::shared_ptr<const core::FloatVolume> heatmap;  ///< on the CT's grid, 0..1
  std::vector<core::Finding> findings;
  QString modelId, modelName, modelVersion, weightsSha256, intendedUse, device;
  QString modelCard;  ///< inference::modelCardText of the bundle
  bool clinicalUse = false;
  double seconds = 0;
  /// A segmentation model's structure ("spleen") and its volume; a negative
  /// volume for a detection model.
  QString labelName;
  double labelVolumeMl = -1;
  /// What the run decided on its own (e.g. windows shrunk to fit the memory).
  QStringList notes;
};

/// Runs a CT model bundle over a volume on a worker thread (the GUI never
/// waits on it), with progress and Cancel. Signals arrive on the GUI thread.
/// One run at a time: starting another cancels the one in flight.
class ModelRunner : public QObject {
  Q_OBJECT
 public:
  explicit ModelRunner(QObject* parent = nullptr);

  void run(std::shared_ptr<const core::CtVolume> volume, const QString& bundleFolder);
  void cancel();
  bool busy() const { return job_.busy(); }

 Q_SIGNALS:
  void progress(int percent, const QString& stage);
  void finished(const vigie::app::ModelRun& run);
  void failed(const QString& message);
  void cancelled();

 private:
  BackgroundJob<ModelRunner> job_{this};
};

}  // namespace vigie::app

Q_DECLARE_METATYPE(vigie::app::ModelRun)
