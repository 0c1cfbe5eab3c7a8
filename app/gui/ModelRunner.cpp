#include "ModelRunner.h"

#include <chrono>
#include <variant>

#include <QStandardPaths>

#include "BundleOpening.h"
#include "CtAnalysis.h"
#include "vigie/inference/InferenceSession.h"
#include "vigie/inference/ModelBundle.h"
#include "vigie/inference/ModelCardText.h"

namespace vigie::app {
namespace {

enum class Outcome { Done, Failed, Cancelled };

struct WorkerResult {
  Outcome outcome = Outcome::Failed;
  ModelRun run;
  QString message;
};

WorkerResult runModel(const core::CtVolume& volume, const QString& bundleFolder,
                      const std::atomic<bool>& cancel, const AnalysisProgress& onProgress) {
  WorkerResult result;
  const auto start = std::chrono::steady_clock::now();
  // A MONAI bundle is imported on the fly (once) into the user's cache.
  const auto cache = QStandardPaths::writableLocation(QStandardPaths::CacheLocation).toStdString();
  auto bundle = openOrImportBundle(bundleFolder.toStdString(),
                                   cache.empty() ? defaultImportedBundleCache()
                                                 : std::filesystem::path(cache) / "monai-bundles");
  if (!bundle.ok()) {
    result.message = QString::fromStdString(bundle.error().message);
    return result;
  }
  auto session = inference::InferenceSession::create(bundle.value());
  if (!session.ok()) {
    result.message = QString::fromStdString(session.error().message);
    return result;
  }
  auto analysis = analyzeCt(volume, *session.value(), {}, onProgress, &cancel);
  if (!analysis.ok()) {
    result.outcome =
        analysis.error().code == core::ErrorCode::Cancelled ? Outcome::Cancelled : Outcome::Failed;
    result.message = QString::fromStdString(analysis.error().message);
    return result;
  }
  const auto& m = bundle.value().manifest();
  result.outcome = Outcome::Done;
  result.run.heatmap =
      std::make_shared<const core::FloatVolume>(std::move(analysis.value().heatmap));
  result.run.findings = std::move(analysis.value().findings);
  if (!analysis.value().label.empty()) {
    result.run.labelName = QString::fromStdString(analysis.value().labelName);
    result.run.labelVolumeMl = analysis.value().labelVolumeMl;
  }
  for (const auto& note : analysis.value().runNotes)
    result.run.notes << QString::fromStdString(note);
  result.run.modelId = QString::fromStdString(m.id);
  result.run.modelName = QString::fromStdString(m.name);
  result.run.modelVersion = QString::fromStdString(m.version);
  result.run.weightsSha256 = QString::fromStdString(m.weightsSha256);
  result.run.intendedUse = QString::fromStdString(m.intendedUse);
  result.run.modelCard = QString::fromStdString(inference::modelCardText(m));
  result.run.clinicalUse = m.clinicalUse;
  result.run.device = QString::fromStdString(session.value()->device().name);
  result.run.seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  return result;
}

}  // namespace

ModelRunner::ModelRunner(QObject* parent) : QObject(parent) { qRegisterMetaType<ModelRun>(); }

void ModelRunner::cancel() { job_.cancel(); }

void ModelRunner::run(std::shared_ptr<const core::CtVolume> volume, const QString& bundleFolder) {
  job_.start([this, volume, bundleFolder](const BackgroundJob<ModelRunner>::Token& token) {
    // `this` is only touched in posted functions (GUI thread, object alive).
    auto onProgress = [this, token](double fraction, const char* stage) {
      const QString name = QString::fromUtf8(stage);
      const int percent = static_cast<int>(fraction * 100);
      token.post([this, percent, name] { Q_EMIT progress(percent, name); });
    };
    WorkerResult result = runModel(*volume, bundleFolder, token.flag(), onProgress);
    // A cancelled run still reports that it stopped; a finished one only if not cancelled
    // meanwhile.
    const bool reportEvenIfCancelled = result.outcome == Outcome::Cancelled;
    token.post(
        [this, result = std::move(result)] {
          job_.finished();
          switch (result.outcome) {
            case Outcome::Done:
              Q_EMIT finished(result.run);
              break;
            case Outcome::Cancelled:
              Q_EMIT cancelled();
              break;
            case Outcome::Failed:
              Q_EMIT failed(result.message);
              break;
          }
        },
        reportEvenIfCancelled);
  });
}

}  // namespace vigie::app
