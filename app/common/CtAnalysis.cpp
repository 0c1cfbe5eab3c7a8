#include "CtAnalysis.h"

#include <chrono>

#include "vigie/imaging/preprocess/Resampler.h"
#include "vigie/inference/FindingExtractor.h"

namespace vigie::app {
namespace {

double secondsSince(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

}  // namespace

core::Result<CtAnalysis> analyseCt(const core::CtVolume& volume,
                                   inference::InferenceSession& session, double thresholdOverride,
                                   const AnalysisProgress& progress,
                                   const std::atomic<bool>* cancel) {
  const auto& m = session.manifest();
  if (m.task != inference::ModelManifest::Task::CtNoduleDetection) {
    return core::makeError(
        core::ErrorCode::InvalidArgument,
        "model " + m.id + " is for " + inference::toString(m.task) + ", not for CT series");
  }
  auto report = [&](double fraction, const char* stage) {
    if (progress) progress(fraction, stage);
  };
  CtAnalysis analysis;
  auto start = std::chrono::steady_clock::now();
  report(0.0, "resampling");
  auto resampled =
      imaging::resampleToSpacing(volume, {m.spacingMm[0], m.spacingMm[1], m.spacingMm[2]});
  if (!resampled.ok()) return resampled.error();
  analysis.resampleSeconds = secondsSince(start);
  if (cancel && *cancel) return core::makeError(core::ErrorCode::Cancelled, "analysis cancelled");

  start = std::chrono::steady_clock::now();
  auto heatmap = session.predictHeatmap(
      resampled.value(),
      [&](std::size_t done, std::size_t total) {
        report(0.05 + 0.85 * double(done) / double(total), "inference");
      },
      cancel);
  if (!heatmap.ok()) return heatmap.error();
  analysis.inferenceSeconds = secondsSince(start);

  start = std::chrono::steady_clock::now();
  report(0.9, "post-processing");
  auto original = imaging::resampleOnto(heatmap.value(), volume.geometry());
  if (!original.ok()) return original.error();
  analysis.heatmap = std::move(original.value());
  inference::FindingExtractorOptions options;
  analysis.threshold = thresholdOverride >= 0 ? thresholdOverride : m.threshold("candidate", 0.5);
  options.threshold = analysis.threshold;
  analysis.findings = inference::extractFindings(analysis.heatmap, options);
  analysis.postprocessSeconds = secondsSince(start);
  report(1.0, "done");
  return analysis;
}

}  // namespace vigie::app
