#pragma once

#include <array>
#include <atomic>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "vigie/core/Result.h"
#include "vigie/core/Volume.h"
#include "vigie/inference/ComputeDevice.h"
#include "vigie/inference/ModelBundle.h"

namespace vigie::inference {

struct SessionOptions {
  bool preferCpu = false;         ///< stay on the CPU even when CUDA is there
  int cpuThreads = 0;             ///< LibTorch intra-op threads; 0 keeps the default
  std::optional<double> overlap;  ///< overrides the manifest's sliding-window overlap
  std::optional<int> batchSize;   ///< overrides the manifest's windows per batch
  /// Batches of windows run at once on the CPU, each network call on
  /// cpuThreads / parallelWindows intra-op threads (`bench infer --layouts`
  /// measures the choice). 1 runs them one after another, every thread on each.
  int parallelWindows = 1;
  /// Memory the windows of a MONAI model, or of a model whose windows are
  /// fitted to the volume (ModelManifest::windowContextVoxels), may take on
  /// the CPU; without it, half of what the system has available when the run
  /// starts. A run measures its network's bytes per voxel on a small window
  /// first, then shrinks the windows (and batch) until they fit
  /// (lastRunNotes says so). Fitted windows give the same heatmap whatever
  /// their size: a tighter budget costs only time.
  std::optional<std::size_t> memoryBudgetBytes;
  /// Runs the manifest's patch stepped by its overlap even when the manifest
  /// fits windows to the volume (ModelManifest::windowContextVoxels): the
  /// baseline `bench infer` measures fitted windows against.
  bool fixedWindows = false;
};

/// Called with (windows done, windows in total), from the calling thread.
using InferenceProgress = std::function<void(std::size_t done, std::size_t total)>;

/// Where a fundus prediction's heatmap comes from.
enum class HeatmapSource {
  None,       ///< no heatmap (the model has none and none was asked for)
  Model,      ///< the model's own lesion head: lesion probability per pixel
  Occlusion,  ///< computed by occlusion: relative importance for the referable score
};

/// How predictFundus explains a model that has no heatmap output.
struct FundusExplanationOptions {
  /// Compute an occlusion map when the model gives no heatmap: each region
  /// is hidden in turn (set to the mean colour) and the drop in referable
  /// probability recorded. Works with any model, frozen or not, as it needs
  /// forward passes only: (2 x grid - 1)^2 of them per photograph, 225 for 8.
  bool occlusionWhenNoHeatmap = true;
  int grid = 8;  ///< patches per side; they overlap by half
};

/// A diabetic-retinopathy model's assessment of one photograph.
struct FundusPrediction {
  std::array<double, 5> gradeProbabilities{};  ///< ICDR 0-4, summing to 1
  int grade = 0;                               ///< the most probable
  /// P(grade >= 2), calibrated when the manifest carries a calibration (the
  /// grade probabilities are rescaled to agree with it).
  double referableProbability = 0.0;
  double rawReferableProbability = 0.0;  ///< P(grade >= 2) as the network gave it
  bool referable = false;                ///< at the manifest's "referable" threshold
  double qualityScore = 1.0;  ///< P(gradable); 1 when the model has no gradability output
  bool gradable = true;       ///< at the manifest's "gradable" threshold
  /// Lesion probability (0..1) over the prepared image, row-major; empty when
  /// the model has no heatmap output.
  std::vector<float> heatmap;
  int heatmapWidth = 0;
  int heatmapHeight = 0;
  HeatmapSource heatmapSource = HeatmapSource::None;
};

/// A box that a MONAI detector found (bundle imported with `bundle import`).
struct BoxDetection {
  core::Vec3 centerMm;  ///< LPS
  /// The box's sides in mm along MONAI's array axes (right-left,
  /// anterior-posterior, inferior-superior for an axial scan).
  std::array<double, 3> sizeMm{};
  double score = 0.0;  ///< the class logit's sigmoid
  int label = 0;       ///< class index
};

/// A MONAI segmentation model's output, on the scan's own voxels.
struct SegmentationResult {
  core::FloatVolume probability;     ///< the manifest's channel, 0..1
  core::Volume<std::uint8_t> label;  ///< 1 where that channel is the most probable
};

/// A loaded model on a device, ready to run. Create once, run many times;
/// one run at a time per session. Never call from the GUI thread: a run
/// blocks for as long as the model takes. Cancellation (the flag) is checked
/// between batches, so a run stops within one batch (well under a second on
/// the reference models).
class InferenceSession {
 public:
  static core::Result<std::unique_ptr<InferenceSession>> create(const ModelBundle& bundle,
                                                                const SessionOptions& options = {});
  ~InferenceSession();

  const ModelManifest& manifest() const;
  const ComputeDevice& device() const;
  /// Whether the model could be frozen and optimised for inference (conv/batch-norm
  /// folding, oneDNN on the CPU); models that cannot be still run, more slowly.
  bool optimized() const;

  /// 3D sliding-window inference over a CT volume that is already at the
  /// manifest's spacing: HU are clipped and normalised as the manifest says,
  /// windows overlap and are blended with a Gaussian importance map, borders
  /// are padded with air. Returns the heatmap (0..1) in the input's geometry.
  /// `overlap`, when given, replaces the session's for this run; neither is
  /// used when the manifest fits the windows to the volume
  /// (ModelManifest::windowContextVoxels).
  core::Result<core::FloatVolume> predictHeatmap(const core::CtVolume& volume,
                                                 const InferenceProgress& progress = {},
                                                 const std::atomic<bool>* cancel = nullptr,
                                                 std::optional<double> overlap = std::nullopt);

  /// A MONAI detection bundle on a whole scan, MONAI's way: orientation to
  /// RAS, spacing, intensity range; padding to the size divisor; one pass or
  /// sliding windows as the bundle's config says; anchors, box decoding,
  /// score threshold, top-k per level, clipping, NMS; boxes back to LPS mm.
  /// Boxes strongest first; none below the bundle's score threshold.
  core::Result<std::vector<BoxDetection>> detectBoxes(const core::CtVolume& scan,
                                                      const InferenceProgress& progress = {},
                                                      const std::atomic<bool>* cancel = nullptr);

  /// A MONAI segmentation bundle on a whole scan: pre-processing as above,
  /// MONAI's sliding window, softmax (or sigmoid), then back onto the scan's
  /// voxels and argmax.
  core::Result<SegmentationResult> segment(const core::CtVolume& scan,
                                           const InferenceProgress& progress = {},
                                           const std::atomic<bool>* cancel = nullptr);

  /// What the last run decided on its own and a reader of its results
  /// should know (e.g. windows shrunk to fit the memory budget); empty when
  /// it ran as the bundle says.
  const std::vector<std::string>& lastRunNotes() const;
  /// Whether the model has a second stage that rescores candidates.
  bool hasCandidateClassifier() const;

  /// The candidate classifier's probability (0..1) that each of `centersMm`
  /// (LPS) is a nodule, from the cube of `volume` (already at the manifest's
  /// spacing) around it: the cube's size is the classifier's patch size, its
  /// centre voxel the one nearest the candidate, its intensities normalised as
  /// for the heatmap, and what lies outside the volume is air. The network
  /// takes [N, 1, z, y, x] and returns one logit per cube ([N] or [N, 1]).
  /// An error when the model has no classifier.
  core::Result<std::vector<double>> classifyCandidates(const core::CtVolume& volume,
                                                       const std::vector<core::Vec3>& centersMm,
                                                       const std::atomic<bool>* cancel = nullptr);

  /// 2D inference for a fundus model on photographs already prepared as the
  /// manifest says (field of view cropped, resized to input.target_size,
  /// colour-normalised): `pixels` holds `count` images of [3, height, width]
  /// floats back to back. The network returns grade logits [N, 5], or a
  /// tuple (grade logits, gradability logit [N, 1][, heatmap [N, 1, h, w]]).
  /// Photographs go through in batches of the manifest's batch size. A model
  /// without a heatmap gets an occlusion map instead, unless told otherwise.
  core::Result<std::vector<FundusPrediction>> predictFundus(
      const std::vector<float>& pixels, int count, const std::atomic<bool>* cancel = nullptr,
      const FundusExplanationOptions& explanation = {});

 private:
  struct Impl;
  explicit InferenceSession(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace vigie::inference
