#include "CtAnalysis.h"

#include <algorithm>
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

/// Orders findings strongest first; ids follow the new order (1..n).
void rankStrongestFirst(std::vector<core::Finding>& findings) {
  std::stable_sort(
      findings.begin(), findings.end(),
      [](const core::Finding& a, const core::Finding& b) { return a.score > b.score; });
  for (std::size_t n = 0; n < findings.size(); ++n) findings[n].id = static_cast<int>(n) + 1;
}

/// Finds the candidates of a calibrated bundle: the heatmap is searched at
/// the lowest uncalibrated score that can reach the (calibrated) threshold,
/// that of the largest blob the extractor can grow when the calibration
/// weighs size; each candidate is then calibrated with its own diameter and
/// kept if it reaches the threshold. A threshold above what the calibration
/// can reach (its value at a score of 1) keeps nothing, though a saturated
/// peak passes invert()'s.
std::vector<core::Finding> calibratedCandidates(const core::FloatVolume& heatmap,
                                                inference::FindingExtractorOptions options,
                                                const inference::ScoreCalibration& calibration,
                                                double threshold) {
  const double largest = calibration.usesDiameter() ? inference::largestFindingDiameterMm(
                                                          options, heatmap.geometry().spacing)
                                                    : 1.0;
  // A negative size weight would make the smallest blob the easiest one.
  options.threshold =
      std::min(calibration.invert(threshold, largest), calibration.invert(threshold, 1.0));
  std::vector<core::Finding> found = inference::extractFindings(heatmap, options);
  std::vector<core::Finding> kept;
  for (auto& finding : found) {
    finding.uncalibratedScore = finding.score;
    finding.score = calibration.apply(finding.score, finding.diameterMm);
    if (finding.score >= threshold) kept.push_back(finding);
  }
  rankStrongestFirst(kept);
  return kept;
}

/// Replaces each finding's heatmap score with the candidate classifier's,
/// reorders them strongest first (ids follow) and drops those under the
/// finding threshold.
core::Status classifyCandidates(const core::CtVolume& atModelSpacing,
                                inference::InferenceSession& session,
                                const CtAnalysisOptions& options, CtAnalysis& analysis,
                                const std::atomic<bool>* cancel) {
  const auto start = std::chrono::steady_clock::now();
  std::vector<core::Vec3> centres;
  for (const auto& f : analysis.findings) centres.push_back(f.centerMm);
  auto scores = session.classifyCandidates(atModelSpacing, centres, cancel);
  if (!scores.ok()) return scores.error();
  analysis.findingThreshold = options.findingThresholdOverride >= 0
                                  ? options.findingThresholdOverride
                                  : session.manifest().threshold("finding", 0.0);
  std::vector<core::Finding> kept;
  for (std::size_t n = 0; n < analysis.findings.size(); ++n) {
    analysis.findings[n].score = scores.value()[n];
    if (scores.value()[n] >= analysis.findingThreshold) kept.push_back(analysis.findings[n]);
  }
  analysis.belowFindingThreshold = analysis.findings.size() - kept.size();
  rankStrongestFirst(kept);
  analysis.findings = std::move(kept);
  analysis.candidatesClassified = true;
  analysis.classifierSeconds = secondsSince(start);
  return {};
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
  // A calibrated bundle's threshold is a calibrated probability.
  if (m.candidateCalibration) {
    analysis.findings = calibratedCandidates(analysis.heatmap, options, *m.candidateCalibration,
                                             analysis.threshold);
  } else {
    options.threshold = analysis.threshold;
    analysis.findings = inference::extractFindings(analysis.heatmap, options);
  }
  analysis.postprocessSeconds = secondsSince(start);

  const bool wantMask = analysisOptions.lungMask == LungMaskUse::Always ||
                        (analysisOptions.lungMask == LungMaskUse::AsManifestSays && m.lungMask);
  if (session.hasCandidateClassifier()) {
    report(0.95, "classifying candidates");
    auto classified =
        classifyCandidates(resampled.value(), session, analysisOptions, analysis, cancel);
    if (!classified.ok()) return classified.error();
  }
  if (wantMask) keepToTheLungs(volume, analysis);
  report(1.0, "done");
  return analysis;
}

}  // namespace vigie::app
