#pragma once

#include <atomic>
#include <functional>
#include <string>
#include <vector>

#include "vigie/core/Finding.h"
#include "vigie/core/Result.h"
#include "vigie/core/Volume.h"
#include "vigie/inference/InferenceSession.h"

namespace vigie::app {

/// Result of running a CT detection model over one series.
struct CtAnalysis {
  core::FloatVolume heatmap;            ///< probabilities in the original series' geometry
  std::vector<core::Finding> findings;  ///< strongest first, centres in LPS mm
  double threshold = 0.5;               ///< candidate threshold used
  double resampleSeconds = 0, inferenceSeconds = 0, postprocessSeconds = 0;
  /// The share of the series' voxels each pass read (the first pass, then
  /// one per extra spacing): below 1 for a pass kept to the lungs' box.
  std::vector<double> passVoxelShares;
  /// The series' slice spacing as a candidate calibration weighs it: the
  /// coarsest of its voxel spacings, whatever the orientation.
  double sliceSpacingMm = 0;

  /// The candidate classifier's part, when the model has one: each finding's
  /// score is then the classifier's, and those below `findingThreshold` were
  /// dropped (counted, not kept).
  bool candidatesClassified = false;
  double findingThreshold = 0.0;
  std::size_t belowFindingThreshold = 0;
  double classifierSeconds = 0;

  /// The lung mask's part: whether it filtered the findings, the candidates it
  /// removed (kept, so an evaluation can measure what the mask did), the lung
  /// volume found, or why no mask could be made (then nothing was removed).
  bool lungMaskApplied = false;
  std::vector<core::Finding> outsideLungs;
  double lungVolumeMl = 0;
  std::string lungMaskProblem;
  double lungMaskSeconds = 0;

  /// A segmentation model's label (1 inside the structure), on the series'
  /// grid, and its volume; empty for detection models. The heatmap is then
  /// the structure's probability and there are no findings.
  core::Volume<std::uint8_t> label;
  double labelVolumeMl = 0;
  /// What the label holds ("spleen"): the bundle's name for its channel;
  /// empty when the bundle does not name its channels.
  std::string labelName;
  /// A MONAI detector's boxes at or above the threshold, as findings; the
  /// heatmap then shows each box as an ellipsoid filled with its score.
  bool fromBoxes = false;
  /// What the run decided on its own that a reader of the results should
  /// know (e.g. a MONAI detector's windows shrunk to fit the memory).
  std::vector<std::string> runNotes;
};

/// Whether candidates outside the lung fields are dropped.
enum class LungMaskUse { AsManifestSays, Always, Never };

struct CtAnalysisOptions {
  /// >= 0 replaces the manifest's "candidate" threshold (a calibrated
  /// probability when the bundle calibrates its candidates' scores)
  double thresholdOverride = -1.0;
  /// >= 0 replaces the manifest's "finding" threshold (on the candidate
  /// classifier's score); an evaluation sets 0 to keep every candidate.
  double findingThresholdOverride = -1.0;
  LungMaskUse lungMask = LungMaskUse::AsManifestSays;
  /// When not empty, every candidate's shape is measured at these scales
  /// (core::Finding::shape) on the volume the calibration reads it on, so
  /// that an evaluation lists the values a calibration would weigh; a
  /// shape-weighing calibration measures at its own scales regardless.
  std::vector<double> shapeScalesMm;
  /// When true, every candidate's intensity around it is measured
  /// (core::Finding::intensity) on the series as read, for the same reason;
  /// an intensity-weighing calibration measures it regardless.
  bool measureIntensity = false;
};

/// Reports (fraction done 0..1, stage name) from the calling thread.
using AnalysisProgress = std::function<void(double fraction, const char* stage)>;

/// The CT pipeline shared by the GUI and the CLI: resample to the model's
/// spacing (imaging, ITK), sliding-window inference (inference, LibTorch),
/// heatmap back onto the original grid (with inference.extra_spacings_mm, one
/// more pass per spacing, over the lungs' box when findings are kept to the
/// lungs and the lungs are found, each voxel kept at the highest probability
/// of all passes; the first pass too over that box with
/// inference.passes_within_lungs "all"), then candidates from the heatmap at
/// the manifest's "candidate" threshold (scores Platt-calibrated when the
/// manifest has calibration.candidate); when the model has a candidate
/// classifier, rescored by it (inference) and kept at or above the manifest's
/// "finding" threshold (default 0: all kept); last, kept to the lung fields
/// when the manifest (or the options) ask for the lung mask (imaging, ITK).
/// A model imported from a MONAI bundle runs MONAI's way instead
/// (InferenceSession::detectBoxes or segment) on the series as loaded.
/// Blocks: call from a worker thread. Cancelled runs return ErrorCode::Cancelled.
core::Result<CtAnalysis> analyzeCt(const core::CtVolume& volume,
                                   inference::InferenceSession& session,
                                   const CtAnalysisOptions& options = {},
                                   const AnalysisProgress& progress = {},
                                   const std::atomic<bool>* cancel = nullptr);

}  // namespace vigie::app
