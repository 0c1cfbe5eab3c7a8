#include "FundusGrader.h"

#include <chrono>

#include "FundusAnalysis.h"
#include "vigie/inference/ModelBundle.h"
#include "vigie/inference/ModelCardText.h"

namespace vigie::app {
namespace {

core::Result<FundusResult> grade(const core::Image2D& photograph, const QString& bundleFolder,
                                 const std::atomic<bool>& cancel) {
  const auto start = std::chrono::steady_clock::now();
  auto bundle = inference::ModelBundle::open(bundleFolder.toStdString());
  if (!bundle.ok()) return bundle.error();
  const auto& m = bundle.value().manifest();
  if (m.task != inference::ModelManifest::Task::FundusDrScreening)
    return core::makeError(
        core::ErrorCode::InvalidArgument,
        FundusGrader::tr("%1: not a fundus-dr-screening model").arg(bundleFolder).toStdString());
  auto session = inference::InferenceSession::create(bundle.value());
  if (!session.ok()) return session.error();
  auto analysis = analyzeFundus({photograph}, *session.value(), &cancel);
  if (!analysis.ok()) return analysis.error();
  FundusResult r;
  r.prediction = std::move(analysis.value()[0].prediction);
  r.heatmap = std::move(analysis.value()[0].heatmap);
  r.lesionRegions = analysis.value()[0].lesions.size();
  r.lesionPlaces = lesionRegionsToKeep(analysis.value()[0].lesions);
  r.modelId = QString::fromStdString(m.id);
  r.modelName = QString::fromStdString(m.name);
  r.modelVersion = QString::fromStdString(m.version);
  r.intendedUse = QString::fromStdString(m.intendedUse);
  r.modelCard = QString::fromStdString(inference::modelCardText(m));
  r.clinicalUse = m.clinicalUse;
  r.device = QString::fromStdString(session.value()->device().name);
  r.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  return r;
}

}  // namespace

FundusGrader::FundusGrader(QObject* parent) : QObject(parent) { qRegisterMetaType<FundusResult>(); }

void FundusGrader::run(std::shared_ptr<const core::Image2D> photograph,
                       const QString& bundleFolder) {
  job_.start([this, photograph, bundleFolder](const BackgroundJob<FundusGrader>::Token& token) {
    auto result = grade(*photograph, bundleFolder, token.flag());
    token.post([this, result = std::move(result)] {
      job_.finished();
      if (result.ok()) {
        Q_EMIT finished(result.value());
      } else {
        Q_EMIT failed(QString::fromStdString(result.error().message));
      }
    });
  });
}

}  // namespace vigie::app
