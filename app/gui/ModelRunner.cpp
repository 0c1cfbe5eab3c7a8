#include "ModelRunner.h"

#include <QPointer>
#include <QThreadPool>
#include <chrono>
#include <variant>

#include "CtAnalysis.h"
#include "vigie/inference/InferenceSession.h"
#include "vigie/inference/ModelBundle.h"

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
  auto bundle = inference::ModelBundle::open(bundleFolder.toStdString());
  if (!bundle.ok()) {
    result.message = QString::fromStdString(bundle.error().message);
    return result;
  }
  auto session = inference::InferenceSession::create(bundle.value());
  if (!session.ok()) {
    result.message = QString::fromStdString(session.error().message);
    return result;
  }
  auto analysis = analyseCt(volume, *session.value(), -1.0, onProgress, &cancel);
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
  result.run.modelId = QString::fromStdString(m.id);
  result.run.modelName = QString::fromStdString(m.name);
  result.run.modelVersion = QString::fromStdString(m.version);
  result.run.intendedUse = QString::fromStdString(m.intendedUse);
  result.run.clinicalUse = m.clinicalUse;
  result.run.device = QString::fromStdString(session.value()->device().name);
  result.run.seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  return result;
}

}  // namespace

ModelRunner::ModelRunner(QObject* parent) : QObject(parent) { qRegisterMetaType<ModelRun>(); }

ModelRunner::~ModelRunner() {
  cancel();
  QThreadPool::globalInstance()->waitForDone(10000);
}

void ModelRunner::cancel() {
  if (cancel_) *cancel_ = true;
  busy_ = false;
}

void ModelRunner::run(std::shared_ptr<const core::CtVolume> volume, const QString& bundleFolder) {
  cancel();
  cancel_ = std::make_shared<std::atomic<bool>>(false);
  busy_ = true;
  auto flag = cancel_;
  QPointer<ModelRunner> self(this);
  QThreadPool::globalInstance()->start([self, flag, volume, bundleFolder] {
    auto onProgress = [self, flag](double fraction, const char* stage) {
      const QString name = QString::fromUtf8(stage);
      const int percent = static_cast<int>(fraction * 100);
      QMetaObject::invokeMethod(
          self,
          [self, flag, percent, name] {
            if (self && !*flag) Q_EMIT self->progress(percent, name);
          },
          Qt::QueuedConnection);
    };
    WorkerResult result = runModel(*volume, bundleFolder, *flag, onProgress);
    QMetaObject::invokeMethod(
        self,
        [self, flag, result = std::move(result)] {
          // A newer run replaced this one: say nothing about the old one.
          if (!self || self->cancel_ != flag) return;
          if (*flag && result.outcome == Outcome::Done) return;  // cancelled just as it finished
          self->busy_ = false;
          switch (result.outcome) {
            case Outcome::Done:
              Q_EMIT self->finished(result.run);
              break;
            case Outcome::Cancelled:
              Q_EMIT self->cancelled();
              break;
            case Outcome::Failed:
              Q_EMIT self->failed(result.message);
              break;
          }
        },
        Qt::QueuedConnection);
  });
}

}  // namespace vigie::app
