#pragma once

#include <array>
#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "vigie/core/Result.h"

namespace vigie::inference {

/// A CT model's optional second stage: a TorchScript network that looks again
/// at a cube of the scan around every candidate the heatmap gave and scores
/// it (nodule or not), as LUNA16's false-positive-reduction systems do. Its
/// score replaces the heatmap's peak as the finding's score.
struct CandidateClassifier {
  std::string file;                          ///< relative to the bundle folder
  std::string sha256;                        ///< 64 lowercase hex digits; checked at load
  std::array<int, 3> patchSize{32, 32, 32};  ///< x, y, z voxels at input.spacing_mm
  int batchSize = 32;                        ///< candidates per forward pass
};

/// How a "platt-shape" candidate calibration leans on the series' slice
/// spacing (the coarsest of its voxel spacings): a thick-slice scan blurs a
/// small nodule along z, so the same score, size and shape mean less there
/// than on thin slices. With t = ln(spacing / 1 mm), clamped to the range the
/// calibration was fitted on, the logit gains
/// t * (weight + scoreWeight * logit(p) + logDiameterWeight * ln(d) +
///      sum_i shapeWeights[i] * shape_i).
struct SliceSpacingTerms {
  double lowestMm = 1.0;   ///< the thinnest spacing fitted on; thinner counts as this
  double highestMm = 1.0;  ///< the thickest; thicker counts as this
  double weight = 0.0;
  double scoreWeight = 0.0;
  double logDiameterWeight = 0.0;
  std::vector<double> shapeWeights;      ///< one per shape value, or none
  std::vector<double> intensityWeights;  ///< one per intensity value, or none

  /// t for a series of `sliceSpacingMm`, clamped to the fitted range.
  double logSpacing(double sliceSpacingMm) const;
};

/// What a candidate calibration may weigh about one candidate.
struct CandidateEvidence {
  CandidateEvidence(double score, double diameterMm = 1.0, std::vector<double> shape = {},
                    std::vector<double> passScores = {}, double sliceSpacingMm = 0.0)
      : score(score),
        diameterMm(diameterMm),
        shape(std::move(shape)),
        passScores(std::move(passScores)),
        sliceSpacingMm(sliceSpacingMm) {}

  double score;                    ///< the heatmap's peak, uncalibrated
  double diameterMm;               ///< its blob's equivalent diameter
  std::vector<double> shape;       ///< candidateShape at the calibration's scales, if computed
  std::vector<double> passScores;  ///< core::Finding::passScores
  double sliceSpacingMm;           ///< the series' coarsest voxel spacing; 0: not known
  std::vector<double> intensity;   ///< candidateIntensity, if computed
};

/// Maps a model's raw score onto a probability that holds on real data:
/// p' = sigmoid(slope * logit(p) + intercept) (Platt scaling), fitted on
/// photographs or scans that training did not see. A CT candidate's
/// calibration may also weigh the candidate's size,
/// + logDiameterSlope * ln(diameter / 1 mm): a detector's peak score alone
/// under-rates masses, whose heatmaps peak lower than small nodules' though
/// they are rarely false positives.
struct ScoreCalibration {
  double slope = 1.0;
  double intercept = 0.0;
  double logDiameterSlope = 0.0;  ///< 0: the calibration ignores the candidate's size
  std::string fittedOn;           ///< what it was fitted on, for the model card
  /// A CT candidate calibration may weigh how the image is shaped around the
  /// candidate as well (method "platt-shape"): candidateShape at these
  /// scales, one weight per value, added to the logit. Empty: it does not.
  std::vector<double> shapeScalesMm;
  std::vector<double> shapeWeights;
  /// With shape weights the calibration cannot be inverted: candidates are
  /// searched down to this heatmap score, then each is calibrated.
  double searchFloor = 0.05;
  /// A "platt-shape" calibration of a model that reads the scan at several
  /// spacings may weigh each pass's own score near the candidate
  /// (core::Finding::passScores) as well: one weight per pass, on the
  /// score's logit. Empty: it does not.
  std::vector<double> passScoreWeights;
  /// A "platt-shape" calibration fitted on scans of several slice spacings
  /// may weigh the spacing as well; absent: it does not.
  std::optional<SliceSpacingTerms> sliceSpacing;
  /// A "platt-shape" calibration may weigh the image's intensity around the
  /// candidate as well: one weight per candidateIntensity value, added to the
  /// logit (and, with slice-spacing terms, one more each times ln(spacing)).
  /// Empty: it does not.
  std::vector<double> intensityWeights;

  bool usesDiameter() const { return logDiameterSlope != 0.0; }
  bool usesShape() const { return !shapeWeights.empty(); }
  bool usesPassScores() const { return !passScoreWeights.empty(); }
  bool usesSliceSpacing() const { return sliceSpacing.has_value(); }
  bool usesIntensity() const { return !intensityWeights.empty(); }
  /// For calibrations that do not use the diameter (the referable probability).
  double apply(double probability) const { return apply(CandidateEvidence(probability)); }
  double apply(double probability, double diameterMm) const {
    return apply(CandidateEvidence(probability, diameterMm));
  }
  /// A candidate's calibrated probability. Evidence the caller did not give
  /// counts as none: a missing shape as flat, a missing pass score as no
  /// evidence either way, an unknown slice spacing as the thinnest fitted.
  double apply(const CandidateEvidence& candidate) const;
  /// The uncalibrated score whose calibrated value, for a candidate of
  /// `diameterMm`, is `calibrated` (apply's inverse, without the shape term).
  double invert(double calibrated, double diameterMm = 1.0) const;
};

/// How a model imported from a MONAI bundle (vigie-cli bundle import) is run:
/// MONAI's own pre-processing, inferer and post-processing, recorded from the
/// bundle's inference.json so that the network sees exactly what MONAI would
/// give it. Documented in docs/monai-bundles.md.
struct MonaiPipeline {
  enum class Family {
    Detection,     ///< RetinaNet-style: anchors, box regression, NMS -> findings
    Segmentation,  ///< per-voxel classes -> one channel's probability map
  };
  Family family = Family::Segmentation;

  // Provenance of the source bundle, shown to readers.
  std::string bundleName;     ///< metadata.json "name"
  std::string bundleVersion;  ///< metadata.json "version"
  std::string monaiVersion;   ///< metadata.json "monai_version"
  std::string sourceSha256;   ///< of the TorchScript file as imported

  // Pre-processing: orientation to RAS, Spacing to pixdim (bilinear, border
  // padding, MONAI's output-shape rule), ScaleIntensityRange.
  bool resample = true;
  std::array<double, 3> pixdim{1.0, 1.0, 1.0};  ///< mm along the RAS-ordered array axes
  double aMin = 0.0, aMax = 1.0, bMin = 0.0, bMax = 1.0;
  bool clip = true;

  // Inferer: MONAI's sliding window (or one pass when the volume fits).
  std::array<int, 3> roiSize{96, 96, 96};  ///< array axes x, y, z
  double overlap = 0.25;
  int swBatchSize = 1;
  bool gaussianBlending = false;  ///< MONAI mode "gaussian"; "constant" otherwise
  bool forceSlidingWindow = false;

  // Segmentation: softmax (or sigmoid) over the network's channels, this
  // channel's probability as the heatmap. The label is the argmax over the
  // channels (MONAI's AsDiscreted argmax) or, with a threshold (AsDiscreted
  // threshold, in (0, 1)), where this channel's probability is at or above it.
  bool softmax = true;
  int channel = 1;
  std::optional<double> labelThreshold;

  // Detection (MONAI's RetinaNetDetector with AnchorGeneratorWithAnchorShape).
  std::array<int, 3> sizeDivisible{16, 16, 8};
  std::vector<int> featureMapScales{1, 2, 4};
  std::vector<std::array<double, 3>> baseAnchorShapes;  ///< x, y, z voxels at scale 1
  int numClasses = 1;
  double scoreThreshold = 0.05;
  int topkPerLevel = 1000;
  double nmsThreshold = 0.5;
  int detectionsPerImage = 300;
};

/// What readers and auditors are told about a model beside its numbers
/// (after Mitchell et al., "Model Cards for Model Reporting", 2019).
struct ModelCard {
  std::string document;    ///< where the full card is, e.g. docs/model-cards/fundus-dr.md
  std::string evaluation;  ///< how it was evaluated, on what, with which figures
  std::vector<std::string> knownLimitations;
};

/// What a bundle's manifest.json says the runtime must do, so that a new
/// model needs no new code. The schema is documented in docs/model-bundle.md.
struct ModelManifest {
  enum class Task {
    CtNoduleDetection,  ///< CT -> candidate findings (a heatmap, or boxes from a MONAI detector)
    CtSegmentation,     ///< CT -> a probability map and its label (MONAI segmentation bundles)
    FundusDrScreening,
  };
  enum class Normalization { MinMax, ZScore };
  enum class Activation { None, Sigmoid, Softmax };

  int schemaVersion = 1;
  std::string id;
  std::string name;
  std::string version;
  Task task = Task::CtNoduleDetection;
  std::string modality;  ///< DICOM modality: "CT", "OP"

  std::string weightsFile;    ///< relative to the bundle folder
  std::string weightsSha256;  ///< 64 lowercase hex digits; checked at load

  // Input, CT (3D)
  std::array<double, 3> spacingMm{1.0, 1.0, 1.0};           ///< x, y, z the model expects
  std::array<int, 3> patchSize{64, 64, 64};                 ///< x, y, z voxels per window
  std::array<double, 2> intensityWindowHu{-1000.0, 400.0};  ///< clipped to this range first
  Normalization normalization = Normalization::MinMax;      ///< MinMax maps the window to [0, 1]
  double mean = 0.0, sd = 1.0;                              ///< for ZScore, after clipping
  /// Keep candidates inside the lung fields (imaging::LungMask): the
  /// application applies it, since finding the lungs needs ITK.
  bool lungMask = false;
  /// Rescores the heatmap's candidates (CT); none when absent.
  std::optional<CandidateClassifier> candidateClassifier;
  // Input, fundus (2D)
  std::array<int, 2> targetSize{512, 512};  ///< width, height
  std::array<double, 3> colorMean{0.0, 0.0, 0.0};
  std::array<double, 3> colorSd{1.0, 1.0, 1.0};
  bool cropFieldOfView = true;
  int channels = 1;

  // Output
  bool heatmapOutput = true;
  bool classScoresOutput = false;
  Activation heatmapActivation = Activation::Sigmoid;
  std::vector<std::string> labels;
  std::map<std::string, double> thresholds;  ///< e.g. "candidate", "operating_point"

  // Running
  double overlap = 0.5;  ///< sliding-window overlap fraction, [0, 0.95]
  /// A CT heatmap is the blend of one sliding-window pass per shift (x, y, z
  /// voxels; the windows moved that far towards the volume's start). A
  /// network that pools sees a small object differently at each of its
  /// pooling grid's phases, and may miss it at one; passes at other phases
  /// average that out, at one pass's time each. Empty: one pass, unshifted.
  std::vector<std::array<int, 3>> windowShifts;
  /// Further passes over the same windows, each reading them mirrored along
  /// the axes it names ("x", "yz", "xyz": some of x, y and z, in that order),
  /// its output flipped back and blended with the other passes'. A network
  /// that learnt from patches flipped along every axis sees a mirrored window
  /// as another view of the same anatomy, and where it errs on one view it
  /// need not on the other: the views' mean is steadier (test-time
  /// augmentation), at one pass's time each. Empty: the windows as they are.
  std::vector<std::string> mirroredPasses;
  /// A CT heatmap may also come from further passes on the volume resampled
  /// to other spacings (x, y, z mm), kept voxel by voxel at the highest
  /// probability of all passes. A small nodule is a blob of few voxels at the
  /// model's spacing; magnified (a finer spacing) it is one the network finds
  /// more often. Empty: one pass, at spacingMm.
  std::vector<std::array<double, 3>> extraSpacingsMm;
  /// The overlap of the extra spacings' windows when it differs from
  /// `overlap`: a finer pass reads several times the voxels, and its windows'
  /// overlap is most of its cost. Unset: `overlap`.
  std::optional<double> extraPassOverlap;
  /// Windows fitted to each pass's volume instead of patchSize stepped by
  /// `overlap`: a fully convolutional network answers a voxel the same in
  /// any window that holds its receptive field, so neighbouring windows
  /// need only overlap by twice this many voxels (about half the receptive
  /// field), and a window may be as large as windowMaxVoxels allows. The reference
  /// CT model's 144^3 windows overlapping by half read each voxel of a
  /// phantom's passes 2.4-4.2 times; fitted, 1.3-2 times. Unset: fixed windows; when set,
  /// `overlap` and the run's overlap are not used.
  std::optional<int> windowContextVoxels;
  /// The largest fitted window in voxels, which bounds the network's memory.
  std::int64_t windowMaxVoxels = std::int64_t(1) << 23;
  /// Fitted windows' sides are multiples of this (2^levels of a U-Net's
  /// pooling). Unset in a manifest: the largest power of two up to 32 that
  /// divides every side of patchSize.
  int windowMultiple = 16;
  /// Whether the first pass, at spacingMm, also reads only the lungs' box
  /// when findings are kept to the lungs (the extra passes always do): a
  /// CT's lungs fill about half its voxels, and what lies outside them can
  /// only give candidates that the lung mask drops.
  bool firstPassWithinLungs = false;
  int batchSize = 2;
  bool fp16OnCuda = false;

  // Provenance, shown to readers
  std::string intendedUse;
  std::string trainingData;
  bool clinicalUse = false;
  std::map<std::string, double> metrics;
  ModelCard card;
  /// Calibration of the fundus model's referable probability; none when absent.
  std::optional<ScoreCalibration> referableCalibration;
  /// Calibration of a CT detector's candidate scores (heatmap peaks) into the
  /// probability that a candidate is a nodule; thresholds.candidate is then a
  /// calibrated probability. None when absent.
  std::optional<ScoreCalibration> candidateCalibration;
  /// Set for a model imported from a MONAI bundle: run it MONAI's way.
  std::optional<MonaiPipeline> monai;

  bool isCt() const { return task != Task::FundusDrScreening; }

  /// A threshold by name, or `fallback` when the manifest has none.
  double threshold(const std::string& name, double fallback) const;

  /// Parses and validates manifest text. `source` names the file in errors:
  /// "bundle/manifest.json: field 'input.patch_size' must be 3 positive integers".
  static core::Result<ModelManifest> parse(const std::string& text, const std::string& source);
  static core::Result<ModelManifest> load(const std::filesystem::path& file);
  /// The manifest as JSON text (what parse() reads back).
  std::string toJson() const;
};

/// "ct-nodule-detection", "ct-segmentation", "fundus-dr-screening"
const char* toString(ModelManifest::Task task);

}  // namespace vigie::inference
