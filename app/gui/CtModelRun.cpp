#include "CtModelRun.h"

#include <QDir>
#include <QFileInfo>

#include "DisplayNames.h"

namespace vigie::app {

CtModelRun::CtModelRun(QObject* parent) : QObject(parent) {
  connect(&runner_, &ModelRunner::progress, this, [this](int percent, const QString& stage) {
    Q_EMIT progress(percent);
    Q_EMIT status(tr("Running the model: %1 ...").arg(DisplayNames::analysisStage(stage)), 0);
  });
  connect(&runner_, &ModelRunner::finished, this, [this](const ModelRun& run) {
    Q_EMIT busyChanged(false);
    Q_EMIT finished(run);
  });
  connect(&runner_, &ModelRunner::cancelled, this, [this] {
    Q_EMIT busyChanged(false);
    Q_EMIT status(tr("Model run cancelled"), 5000);
  });
  connect(&runner_, &ModelRunner::failed, this, [this](const QString& message) {
    Q_EMIT busyChanged(false);
    Q_EMIT failed(message);
  });
}

QString CtModelRun::bundleForChosenFile(const QString& file) {
  const QFileInfo chosen(file);
  if (chosen.fileName() == "manifest.json") return chosen.absolutePath();
  if (chosen.fileName() == "metadata.json" && chosen.dir().dirName() == "configs")
    return QFileInfo(chosen.absolutePath()).absolutePath();  // the MONAI bundle's root
  return chosen.absoluteFilePath();
}

bool CtModelRun::start(std::shared_ptr<const core::CtVolume> volume) {
  if (!volume) {
    Q_EMIT status(tr("Open a CT study first"), 5000);
    return false;
  }
  if (bundle_.isEmpty()) {
    Q_EMIT status(tr("Choose a model bundle first (AI > Choose model bundle)"), 5000);
    return false;
  }
  Q_EMIT busyChanged(true);
  Q_EMIT status(tr("Running the model ..."), 0);
  runner_.run(std::move(volume), bundle_);
  return true;
}

void CtModelRun::cancel() {
  if (!runner_.busy()) return;
  // The worker stops at its next check and says so (ModelRunner::cancelled);
  // the views are free again at once.
  runner_.cancel();
  Q_EMIT busyChanged(false);
  Q_EMIT status(tr("Model run cancelled"), 5000);
}

}  // namespace vigie::app
