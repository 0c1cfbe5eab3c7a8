#include "CtAnalysis.h"

#include <algorithm>
#include <array>
#include <chrono>
#include <cmath>
#include <optional>

#include "vigie/imaging/preprocess/LungMask.h"
#include "vigie/imaging/preprocess/Resampler.h"
#include "vigie/imaging/preprocess/VolumeCrop.h"
#include "vigie/inference/CandidateIntensity.h"
#include "vigie/inference/CandidateShape.h"
#include "vigie/inference/FindingExtractor.h"

namespace vigie::app {
namespace {

double secondsSince(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

/// The lung fields of `volume`, timed into `analysis`.
core::Result<imaging::LungMask> segmentLungs(const core::CtVolume& volume, CtAnalysis& analysis) {
  const auto start = std::chrono::steady_clock::now();
  auto lungs = imaging::LungMask::segment(volume);
  analysis.lungMaskSeconds += secondsSince(start);
  return lungs;
}

/// Moves the findings whose centres lie outside the lung fields to
/// `outsideLungs`. A CT whose lungs cannot be found keeps every finding and
/// says why: a mask must never hide a nodule because segmentation failed.
void keepToTheLungs(const core::Result<imaging::LungMask>& lungs, CtAnalysis& analysis) {
  if (!lungs.ok()) {
    analysis.lungMaskProblem = lungs.error().message;
    return;
  }
  analysis.lungMaskApplied = true;
  analysis.lungVolumeMl = lungs.value().volumeMl();
  std::vector<core::Finding> inside;
  for (auto& finding : analysis.findings)
    (lungs.value().contains(finding.centerMm) ? inside : analysis.outsideLungs)
        .push_back(std::move(finding));
  analysis.findings = std::move(inside);
}

/// How far beyond the lung fields (themselves grown by the mask's margin) a
/// pass kept to the lungs still runs: at 0.9 mm about 18 voxels, so the
/// lungs' edges are read with the context a window's interior gives, not at
/// its zero-padded rim.
constexpr double kLungBoxMarginMm = 16.0;

/// The lungs' box of `volume`, which a pass kept to the lungs reads: a pass
/// over the rest of the body can only add candidates that the mask then
/// drops. None when the lungs could not be found: such a pass reads the
/// whole series.
core::Result<std::optional<core::CtVolume>> lungsBox(const core::CtVolume& volume,
                                                     const core::Result<imaging::LungMask>& lungs) {
  if (!lungs.ok()) return std::optional<core::CtVolume>{};
  const auto box = lungs.value().boxIn(volume.geometry(), kLungBoxMarginMm);
  if (!box) return std::optional<core::CtVolume>{};
  auto crop = imaging::cropToBox(volume, *box);
  if (!crop.ok()) return crop.error();
  return std::optional<core::CtVolume>(std::move(crop.value()));
}

/// Orders findings strongest first; ids follow the new order (1..n).
void rankStrongestFirst(std::vector<core::Finding>& findings) {
  std::stable_sort(
      findings.begin(), findings.end(),
      [](const core::Finding& a, const core::Finding& b) { return a.score > b.score; });
  for (std::size_t n = 0; n < findings.size(); ++n) findings[n].id = static_cast<int>(n) + 1;
}

/// The voxels of `geometry` within `radiusMm` of `centerMm` along each axis:
/// [lo, hi] index bounds (inclusive), clipped to the grid; empty (lo > hi)
/// where the cube lies outside it.
struct VoxelBounds {
  std::array<long, 3> lo{}, hi{};
};
VoxelBounds voxelsAround(const core::VolumeGeometry& geometry, const core::Vec3& centerMm,
                         double radiusMm) {
  const core::Vec3 center = geometry.physicalToIndex(centerMm);
  const auto& size = geometry.size;
  VoxelBounds b;
  for (int a = 0; a < 3; ++a) {
    const double r = radiusMm / geometry.spacing[a];
    const long n = static_cast<long>(a == 0 ? size.i : (a == 1 ? size.j : size.k));
    b.lo[a] = std::max(0L, static_cast<long>(std::floor(center[a] - r)));
    b.hi[a] = std::min(n - 1, static_cast<long>(std::ceil(center[a] + r)));
  }
  return b;
}

/// The highest value of `heatmap` within `radiusMm` of `centerMm`; 0 where
/// the sphere lies outside it (a pass over the lungs' box only).
double highestWithin(const core::FloatVolume& heatmap, const core::Vec3& centerMm,
                     double radiusMm) {
  const core::VolumeGeometry& geometry = heatmap.geometry();
  const auto [lo, hi] = voxelsAround(geometry, centerMm, radiusMm);
  double highest = 0;
  for (long k = lo[2]; k <= hi[2]; ++k)
    for (long j = lo[1]; j <= hi[1]; ++j)
      for (long i = lo[0]; i <= hi[0]; ++i) {
        const core::Vec3 at = geometry.indexToPhysical({double(i), double(j), double(k)});
        if (core::distance(at, centerMm) <= radiusMm)
          highest = std::max(highest, double(heatmap.at(i, j, k)));
      }
  return highest;
}

/// Each finding's score in each pass on its own (core::Finding::passScores):
/// the pass's highest probability within half the finding's diameter of its
/// centre, and at least 3 mm, since a pass's peak may lie a voxel or two off
/// the combined map's. Nothing when the model reads the scan once.
void attachPassScores(std::vector<core::Finding>& findings,
                      const std::vector<core::FloatVolume>& passHeatmaps) {
  if (passHeatmaps.size() < 2) return;
  for (core::Finding& f : findings) {
    f.passScores.clear();
    const double radiusMm = std::max(3.0, 0.5 * f.diameterMm);
    for (const core::FloatVolume& pass : passHeatmaps)
      f.passScores.push_back(highestWithin(pass, f.centerMm, radiusMm));
  }
}

/// Finds the candidates of a calibrated bundle: the heatmap is searched at
/// the lowest uncalibrated score that can reach the (calibrated) threshold,
/// that of the largest blob the extractor can grow when the calibration
/// weighs size, or at the calibration's search floor when it weighs the
/// image's shape too (which no score bound can foresee); each candidate is
/// then calibrated with its own diameter (and the shape of `atModelSpacing`
/// around it) and kept if it reaches the threshold. A threshold above what
/// the calibration can reach (its value at a score of 1) keeps nothing,
/// though a saturated peak passes invert()'s. A calibration that weighs each
/// pass's own score reads it in `passHeatmaps`; one that weighs the slice
/// spacing is given the series' `sliceSpacingMm`; one that weighs the
/// intensity around the candidate reads it on the `series` as read.
std::vector<core::Finding> calibratedCandidates(
    const core::FloatVolume& heatmap, const core::CtVolume& series,
    const core::CtVolume& atModelSpacing, const std::vector<core::FloatVolume>& passHeatmaps,
    double sliceSpacingMm, inference::FindingExtractorOptions options,
    const inference::ScoreCalibration& calibration, double threshold) {
  if (calibration.usesShape()) {
    options.threshold = calibration.searchFloor;
  } else {
    const double largest = calibration.usesDiameter() ? inference::largestFindingDiameterMm(
                                                            options, heatmap.geometry().spacing)
                                                      : 1.0;
    // A negative size weight would make the smallest blob the easiest one.
    options.threshold =
        std::min(calibration.invert(threshold, largest), calibration.invert(threshold, 1.0));
  }
  std::vector<core::Finding> found = inference::extractFindings(heatmap, options);
  attachPassScores(found, passHeatmaps);
  std::vector<core::Finding> kept;
  for (auto& finding : found) {
    finding.uncalibratedScore = finding.score;
    inference::CandidateEvidence evidence(finding.score, finding.diameterMm);
    if (calibration.usesShape()) {
      finding.shape =
          inference::candidateShape(atModelSpacing, finding.centerMm, calibration.shapeScalesMm);
      evidence.shape = finding.shape;
    }
    if (calibration.usesIntensity()) {
      finding.intensity =
          inference::candidateIntensity(series, finding.centerMm, finding.diameterMm);
      evidence.intensity = finding.intensity;
    }
    evidence.passScores = finding.passScores;
    evidence.sliceSpacingMm = sliceSpacingMm;
    finding.score = calibration.apply(evidence);
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
  std::vector<core::Vec3> centers;
  for (const auto& f : analysis.findings) centers.push_back(f.centerMm);
  auto scores = session.classifyCandidates(atModelSpacing, centers, cancel);
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

/// Paints each finding's box as an ellipsoid filled with its score (the
/// strongest wins where boxes overlap), so a detector without a heatmap
/// still shows readers where it looked.
core::FloatVolume boxEvidence(const core::VolumeGeometry& geometry,
                              const std::vector<inference::BoxDetection>& boxes) {
  core::FloatVolume map(geometry, 0.0f);
  for (const auto& box : boxes) {
    const double radiusMm = 0.5 * std::max({box.sizeMm[0], box.sizeMm[1], box.sizeMm[2]});
    const auto [lo, hi] = voxelsAround(geometry, box.centerMm, radiusMm);
    // Semi-axes along the box's own sides (MONAI's array axes run R, A, S).
    for (long k = lo[2]; k <= hi[2]; ++k)
      for (long j = lo[1]; j <= hi[1]; ++j)
        for (long i = lo[0]; i <= hi[0]; ++i) {
          const core::Vec3 d =
              geometry.indexToPhysical({double(i), double(j), double(k)}) - box.centerMm;
          const std::array<double, 3> ras{-d.x, -d.y, d.z};
          double r2 = 0;
          for (int a = 0; a < 3; ++a) {
            const double semi = std::max(box.sizeMm[a] / 2.0, 0.5);
            r2 += (ras[a] / semi) * (ras[a] / semi);
          }
          float& v = map.at(i, j, k);
          if (r2 <= 1.0) v = std::max(v, static_cast<float>(box.score));
        }
  }
  return map;
}

/// A MONAI detection bundle: boxes at or above the threshold become findings
/// (centre, diameter the mean of the box's sides).
core::Status analyzeWithMonaiDetector(const core::CtVolume& volume,
                                      inference::InferenceSession& session,
                                      const inference::InferenceProgress& progress,
                                      const std::atomic<bool>* cancel, CtAnalysis& analysis) {
  const auto start = std::chrono::steady_clock::now();
  auto boxes = session.detectBoxes(volume, progress, cancel);
  if (!boxes.ok()) return boxes.error();
  analysis.inferenceSeconds = secondsSince(start);
  analysis.runNotes = session.lastRunNotes();
  std::vector<inference::BoxDetection> kept;
  for (const auto& box : boxes.value()) {
    if (box.score < analysis.threshold) continue;
    kept.push_back(box);
    core::Finding f;
    f.score = box.score;
    f.centerMm = box.centerMm;
    f.diameterMm = (box.sizeMm[0] + box.sizeMm[1] + box.sizeMm[2]) / 3.0;
    analysis.findings.push_back(f);
  }
  rankStrongestFirst(analysis.findings);
  analysis.heatmap = boxEvidence(volume.geometry(), kept);
  analysis.fromBoxes = true;
  return {};
}

/// A model imported from a MONAI bundle, run MONAI's way on the series as loaded.
core::Result<CtAnalysis> analyzeWithMonai(const core::CtVolume& volume,
                                          inference::InferenceSession& session,
                                          const CtAnalysisOptions& analysisOptions,
                                          const AnalysisProgress& progress,
                                          const std::atomic<bool>* cancel) {
  const auto& m = session.manifest();
  CtAnalysis analysis;
  auto windows = [&](std::size_t done, std::size_t total) {
    if (progress) progress(0.95 * double(done) / double(total), "inference");
  };
  if (m.task == inference::ModelManifest::Task::CtNoduleDetection) {
    analysis.threshold = analysisOptions.thresholdOverride >= 0 ? analysisOptions.thresholdOverride
                                                                : m.threshold("candidate", 0.5);
    if (auto s = analyzeWithMonaiDetector(volume, session, windows, cancel, analysis); !s.ok())
      return s.error();
    if (analysisOptions.lungMask == LungMaskUse::Always)
      keepToTheLungs(segmentLungs(volume, analysis), analysis);
  } else {
    const auto start = std::chrono::steady_clock::now();
    auto segmented = session.segment(volume, windows, cancel);
    if (!segmented.ok()) return segmented.error();
    analysis.inferenceSeconds = secondsSince(start);
    analysis.runNotes = session.lastRunNotes();
    analysis.heatmap = std::move(segmented.value().probability);
    analysis.label = std::move(segmented.value().label);
    std::size_t inside = 0;
    for (std::size_t n = 0; n < analysis.label.voxelCount(); ++n)
      inside += analysis.label.data()[n];
    analysis.labelVolumeMl = double(inside) * volume.geometry().voxelVolume() / 1000.0;
    const int channel = m.monai ? m.monai->channel : -1;
    if (channel >= 0 && channel < static_cast<int>(m.labels.size()))
      analysis.labelName = m.labels[static_cast<std::size_t>(channel)];
    analysis.threshold = m.threshold("label", 0.5);  // the bundle's AsDiscreted threshold
  }
  if (progress) progress(1.0, "done");
  return analysis;
}

}  // namespace

core::Result<CtAnalysis> analyzeCt(const core::CtVolume& volume,
                                   inference::InferenceSession& session,
                                   const CtAnalysisOptions& analysisOptions,
                                   const AnalysisProgress& progress,
                                   const std::atomic<bool>* cancel) {
  const auto& m = session.manifest();
  if (m.monai) return analyzeWithMonai(volume, session, analysisOptions, progress, cancel);
  if (m.task != inference::ModelManifest::Task::CtNoduleDetection) {
    return core::makeError(
        core::ErrorCode::InvalidArgument,
        "model " + m.id + " is for " + inference::toString(m.task) + ", not for CT series");
  }
  auto report = [&](double fraction, const char* stage) {
    if (progress) progress(fraction, stage);
  };
  CtAnalysis analysis;
  const core::Vec3& spacing = volume.geometry().spacing;
  analysis.sliceSpacingMm = std::max({spacing.x, spacing.y, spacing.z});
  const bool wantMask = analysisOptions.lungMask == LungMaskUse::Always ||
                        (analysisOptions.lungMask == LungMaskUse::AsManifestSays && m.lungMask);
  // Passes kept to the lungs need the mask first; otherwise it comes last.
  const bool firstWithinLungs = wantMask && m.firstPassWithinLungs;
  const bool extraWithinLungs = wantMask && !m.extraSpacingsMm.empty();
  std::optional<core::Result<imaging::LungMask>> lungs;
  std::optional<core::CtVolume> lungBox;
  if (firstWithinLungs || extraWithinLungs) {
    lungs = segmentLungs(volume, analysis);
    auto box = lungsBox(volume, *lungs);
    if (!box.ok()) return box.error();
    lungBox = std::move(box.value());
  }

  // One pass at the model's spacing, over the whole series unless the
  // manifest keeps it to the lungs' box, then one per extra spacing over
  // that box; the first pass's volume is the one the candidates' shapes and
  // the classifier read.
  std::vector<core::Vec3> spacings{{m.spacingMm[0], m.spacingMm[1], m.spacingMm[2]}};
  for (const auto& s : m.extraSpacingsMm) spacings.push_back({s[0], s[1], s[2]});
  std::optional<core::CtVolume> atModelSpacing;
  // Each pass's own heatmap, on its own grid, when there are several: each
  // candidate's score in each pass is read there (attachPassScores).
  std::vector<core::FloatVolume> passHeatmaps;
  const double passShare = 0.85 / double(spacings.size());
  for (std::size_t pass = 0; pass < spacings.size(); ++pass) {
    auto start = std::chrono::steady_clock::now();
    report(0.05 + pass * passShare, "resampling");
    const bool withinLungs = pass == 0 ? firstWithinLungs : extraWithinLungs;
    const core::CtVolume& source = withinLungs && lungBox ? *lungBox : volume;
    analysis.passVoxelShares.push_back(double(source.voxelCount()) / double(volume.voxelCount()));
    auto resampled = imaging::resampleToSpacing(source, spacings[pass]);
    if (!resampled.ok()) return resampled.error();
    analysis.resampleSeconds += secondsSince(start);
    if (cancel && *cancel) return core::makeError(core::ErrorCode::Cancelled, "analysis cancelled");

    start = std::chrono::steady_clock::now();
    auto heatmap = session.predictHeatmap(
        resampled.value(),
        [&](std::size_t done, std::size_t total) {
          report(0.05 + (pass + double(done) / double(total)) * passShare, "inference");
        },
        cancel, pass == 0 ? std::nullopt : m.extraPassOverlap);
    if (!heatmap.ok()) return heatmap.error();
    analysis.inferenceSeconds += secondsSince(start);
    for (const std::string& note : session.lastRunNotes())
      analysis.runNotes.push_back(spacings.size() > 1
                                      ? "pass " + std::to_string(pass + 1) + " of " +
                                            std::to_string(spacings.size()) + ": " + note
                                      : note);

    // Back onto the series' grid, where a pass over the lungs' box touches
    // only the box; 0 where no pass read.
    start = std::chrono::steady_clock::now();
    if (pass == 0) analysis.heatmap = core::FloatVolume(volume.geometry(), 0.0f);
    auto carried =
        imaging::resampleInto(heatmap.value(), analysis.heatmap,
                              pass == 0 ? imaging::Combine::Replace : imaging::Combine::KeepHigher);
    if (!carried.ok()) return carried.error();
    if (pass == 0) atModelSpacing = std::move(resampled.value());
    if (spacings.size() > 1) passHeatmaps.push_back(std::move(heatmap.value()));
    analysis.postprocessSeconds += secondsSince(start);
  }

  const auto start = std::chrono::steady_clock::now();
  report(0.9, "post-processing");
  inference::FindingExtractorOptions options;
  analysis.threshold = analysisOptions.thresholdOverride >= 0 ? analysisOptions.thresholdOverride
                                                              : m.threshold("candidate", 0.5);
  // A calibrated bundle's threshold is a calibrated probability.
  if (m.candidateCalibration) {
    analysis.findings = calibratedCandidates(analysis.heatmap, volume, *atModelSpacing,
                                             passHeatmaps, analysis.sliceSpacingMm, options,
                                             *m.candidateCalibration, analysis.threshold);
  } else {
    options.threshold = analysis.threshold;
    analysis.findings = inference::extractFindings(analysis.heatmap, options);
    attachPassScores(analysis.findings, passHeatmaps);
  }
  // Measured on the first pass's volume (the lungs' box when that pass reads
  // only the box), as calibratedCandidates does: another grid gives other
  // values when the series' spacing is not the model's.
  if (!analysisOptions.shapeScalesMm.empty())
    for (core::Finding& f : analysis.findings)
      if (f.shape.empty())
        f.shape =
            inference::candidateShape(*atModelSpacing, f.centerMm, analysisOptions.shapeScalesMm);
  // On the series as read, as calibratedCandidates measures it.
  if (analysisOptions.measureIntensity)
    for (core::Finding& f : analysis.findings)
      if (f.intensity.empty())
        f.intensity = inference::candidateIntensity(volume, f.centerMm, f.diameterMm);
  passHeatmaps.clear();
  analysis.postprocessSeconds += secondsSince(start);

  if (session.hasCandidateClassifier()) {
    report(0.95, "classifying candidates");
    auto classified =
        classifyCandidates(*atModelSpacing, session, analysisOptions, analysis, cancel);
    if (!classified.ok()) return classified.error();
  }
  if (wantMask) {
    if (!lungs) lungs = segmentLungs(volume, analysis);
    keepToTheLungs(*lungs, analysis);
  }
  report(1.0, "done");
  return analysis;
}

}  // namespace vigie::app
