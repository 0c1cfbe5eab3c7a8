#include "CtAnalysis.h"

#include <chrono>

#include "vigie/imaging/preprocess/LungMask.h"
#include "vigie/imaging/preprocess/Resampler.h"
#include "vigie/inference/FindingExtractor.h"

namespace vigie::app {
namespace {

double secondsSince(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

/// Moves the findings whose centres lie outside the lung fields to
/// `outsideLungs`. A CT whose lungs cannot be found keeps every finding and
/// says why: a mask must never hide a nodule because segmentation failed.
void keepToTheLungs(const core::CtVolume& volume, CtAnalysis& analysis) {
  const auto start = std::chrono::steady_clock::now();
  auto lungs = imaging::LungMask::segment(volume);
  if (!lungs.ok()) {
    analysis.lungMaskProblem = lungs.error().message;
  } else {
    analysis.lungMaskApplied = true;
    analysis.lungVolumeMl = lungs.value().volumeMl();
    std::vector<core::Finding> inside;
    for (auto& finding : analysis.findings)
      (lungs.value().contains(finding.centerMm) ? inside : analysis.outsideLungs)
          .push_back(std::move(finding));
    analysis.findings = std::move(inside);
  }
  analysis.lungMaskSeconds = secondsSince(start);
}

}  // namespace

core::Result<CtAnalysis> analyseCt(const core::CtVolume& volume,
                                   inference::InferenceSession& session,
                                   const CtAnalysisOptions& analysisOptions,
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
  analysis.threshold = analysisOptions.thresholdOverride >= 0 ? analysisOptions.thresholdOverride
                                                              : m.threshold("candidate", 0.5);
  options.threshold = analysis.threshold;
  analysis.findings = inference::extractFindings(analysis.heatmap, options);
  analysis.postprocessSeconds = secondsSince(start);

  const bool wantMask = analysisOptions.lungMask == LungMaskUse::Always ||
                        (analysisOptions.lungMask == LungMaskUse::AsManifestSays && m.lungMask);
  if (wantMask) keepToTheLungs(volume, analysis);
  report(1.0, "done");
  return analysis;
}

}  // namespace vigie::app
