#include "vigie/inference/ModelManifest.h"

#include <algorithm>
#include <cmath>
#include <fstream>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>

#include "FieldReader.h"
#include "MonaiPipelineJson.h"
#include "vigie/inference/CandidateIntensity.h"
#include "vigie/inference/CandidateShape.h"

namespace vigie::inference {

using nlohmann::json;

const char* toString(ModelManifest::Task task) {
  switch (task) {
    case ModelManifest::Task::CtNoduleDetection:
      return "ct-nodule-detection";
    case ModelManifest::Task::CtSegmentation:
      return "ct-segmentation";
    case ModelManifest::Task::FundusDrScreening:
      return "fundus-dr-screening";
  }
  return "";
}

namespace {

/// A score's logit; scores of exactly 0 or 1 still map to a finite one.
double clampedLogit(double probability) {
  const double p = std::clamp(probability, 1e-7, 1.0 - 1e-7);
  return std::log(p / (1.0 - p));
}

/// ln(diameter / 1 mm), as every size term weighs it: diameters under 1 mm
/// count as 1 mm, so an empty blob stays finite.
double logDiameter(double diameterMm) { return std::log(std::max(diameterMm, 1.0)); }

/// The calibration's offset for a candidate of `diameterMm` (0 when it
/// ignores the size).
double sizeTerm(const ScoreCalibration& c, double diameterMm) {
  return c.usesDiameter() ? c.logDiameterSlope * logDiameter(diameterMm) : 0.0;
}

/// sum_n weights[n] * values[n] over the values given (a shape the caller
/// did not compute counts as flat: all zeros).
double weighted(const std::vector<double>& weights, const std::vector<double>& values) {
  double sum = 0;
  for (std::size_t n = 0; n < weights.size() && n < values.size(); ++n)
    sum += weights[n] * values[n];
  return sum;
}

}  // namespace

double SliceSpacingTerms::logSpacing(double sliceSpacingMm) const {
  return std::log(std::clamp(sliceSpacingMm, lowestMm, highestMm));
}

double ScoreCalibration::apply(const CandidateEvidence& candidate) const {
  const double scoreLogit = clampedLogit(candidate.score);
  double z = slope * scoreLogit + sizeTerm(*this, candidate.diameterMm) + intercept +
             weighted(shapeWeights, candidate.shape);
  // A pass score the caller did not give is no evidence either way.
  for (std::size_t n = 0; n < passScoreWeights.size() && n < candidate.passScores.size(); ++n)
    z += passScoreWeights[n] * clampedLogit(candidate.passScores[n]);
  z += weighted(intensityWeights, candidate.intensity);
  if (sliceSpacing) {
    const SliceSpacingTerms& s = *sliceSpacing;
    const double t = s.logSpacing(candidate.sliceSpacingMm);
    z += t * (s.weight + s.scoreWeight * scoreLogit +
              s.logDiameterWeight * logDiameter(candidate.diameterMm) +
              weighted(s.shapeWeights, candidate.shape) +
              weighted(s.intensityWeights, candidate.intensity));
  }
  return 1.0 / (1.0 + std::exp(-z));
}

double ScoreCalibration::invert(double calibrated, double diameterMm) const {
  const double q = std::clamp(calibrated, 1e-7, 1.0 - 1e-7);
  const double z = (std::log(q / (1.0 - q)) - intercept - sizeTerm(*this, diameterMm)) / slope;
  return 1.0 / (1.0 + std::exp(-z));
}

double ModelManifest::threshold(const std::string& name, double fallback) const {
  auto it = thresholds.find(name);
  return it == thresholds.end() ? fallback : it->second;
}

using internal::FieldReader;

namespace {

bool isHexDigest(const std::string& s) {
  return s.size() == 64 && s.find_first_not_of("0123456789abcdef") == std::string::npos;
}

bool isFileInsideBundle(const std::string& name) {
  return !name.empty() && name.find("..") == std::string::npos && name[0] != '/';
}

/// `path`.slice_spacing of the candidate calibration `c` read so far: the
/// fitted range (its ends over 0 and up to 20 mm) and finite weights, the
/// shape's one per shape weight of `c`.
SliceSpacingTerms parseSliceSpacing(FieldReader& r, const std::string& path,
                                    const ScoreCalibration& c) {
  const std::string at = path + ".slice_spacing";
  SliceSpacingTerms s;
  if (!r.failed() && !c.usesShape()) r.fail(at, "goes with the method 'platt-shape' only");
  const std::vector<double> range = r.numberList(at + ".range_mm", true, 2);
  if (!r.failed() && !(range.size() == 2 && range[0] > 0 && range[0] <= range[1] && range[1] <= 20))
    r.fail(at + ".range_mm", "must be [thinnest, thickest] in mm, over 0 and up to 20");
  if (!r.failed()) {
    s.lowestMm = range[0];
    s.highestMm = range[1];
  }
  s.weight = r.number(at + ".weight", true, 0.0);
  s.scoreWeight = r.number(at + ".score_weight", true, 0.0);
  s.logDiameterWeight = r.number(at + ".log_diameter_weight", true, 0.0);
  if (r.find(at + ".shape_weights", false))
    s.shapeWeights = r.numberList(at + ".shape_weights", true, 8 * kShapeValuesPerScale);
  if (r.find(at + ".intensity_weights", false))
    s.intensityWeights = r.numberList(at + ".intensity_weights", true, kIntensityValues);
  const auto finite = [](double w) { return std::isfinite(w); };
  if (!r.failed() && !(finite(s.weight) && finite(s.scoreWeight) && finite(s.logDiameterWeight) &&
                       std::all_of(s.shapeWeights.begin(), s.shapeWeights.end(), finite) &&
                       std::all_of(s.intensityWeights.begin(), s.intensityWeights.end(), finite)))
    r.fail(at, "weights must be finite numbers");
  if (!r.failed() && !s.intensityWeights.empty() &&
      s.intensityWeights.size() != c.intensityWeights.size())
    r.fail(at + ".intensity_weights", "has " + std::to_string(s.intensityWeights.size()) +
                                          " weights; the calibration weighs " +
                                          std::to_string(c.intensityWeights.size()) +
                                          " intensity values");
  if (!r.failed() && !s.shapeWeights.empty() && s.shapeWeights.size() != c.shapeWeights.size())
    r.fail(at + ".shape_weights", "has " + std::to_string(s.shapeWeights.size()) +
                                      " weights; the shape has " +
                                      std::to_string(c.shapeWeights.size()) + " values");
  return s;
}

/// The Platt calibration at `path` (e.g. "calibration.candidate"), if the
/// manifest has one; `applies` says whether the task has such a score.
std::optional<ScoreCalibration> parseCalibration(FieldReader& r, const std::string& path,
                                                 bool applies, const char* taskName,
                                                 bool acceptsDiameter) {
  if (!r.find(path, false)) return std::nullopt;
  if (!applies && !r.failed()) r.fail(path, std::string("applies to ") + taskName + " models only");
  const std::string method = r.text(path + ".method", true);
  const bool withShape = method == "platt-shape";
  if (!r.failed() && method != "platt" && !(withShape && acceptsDiameter))
    r.fail(path + ".method", "is '" + method + "'; this Vigie knows 'platt'" +
                                 std::string(acceptsDiameter ? " and 'platt-shape'" : ""));
  ScoreCalibration c;
  c.slope = r.number(path + ".slope", true, 1.0);
  c.intercept = r.number(path + ".intercept", true, 0.0);
  c.fittedOn = r.text(path + ".fitted_on", false);
  // A slope of 0 or less would turn the score into a constant or reverse it.
  if (!r.failed() && !(c.slope > 0 && std::isfinite(c.slope) && std::isfinite(c.intercept)))
    r.fail(path + ".slope", "must be a positive number (and the intercept finite)");
  if (r.find(path + ".log_diameter_slope", false)) {
    c.logDiameterSlope = r.number(path + ".log_diameter_slope", true, 0.0);
    if (!r.failed() && !acceptsDiameter)
      r.fail(path + ".log_diameter_slope", "applies to CT candidates only, which have a size");
    if (!r.failed() && !std::isfinite(c.logDiameterSlope))
      r.fail(path + ".log_diameter_slope", "must be a finite number");
  }
  if (withShape && !r.failed()) {
    c.shapeScalesMm = r.numberList(path + ".shape_scales_mm", true, 8);
    c.shapeWeights = r.numberList(path + ".shape_weights", true, 8 * kShapeValuesPerScale);
    c.searchFloor = r.number(path + ".search_floor", true, 0.05);
    const bool scalesValid =
        !c.shapeScalesMm.empty() &&
        std::all_of(c.shapeScalesMm.begin(), c.shapeScalesMm.end(),
                    [](double s) { return std::isfinite(s) && s > 0 && s <= 20; });
    if (!r.failed() && !scalesValid)
      r.fail(path + ".shape_scales_mm", "must be scales in mm, each over 0 and up to 20");
    const std::size_t expected = c.shapeScalesMm.size() * kShapeValuesPerScale;
    if (!r.failed() && c.shapeWeights.size() != expected)
      r.fail(path + ".shape_weights", "has " + std::to_string(c.shapeWeights.size()) +
                                          " weights; " + std::to_string(c.shapeScalesMm.size()) +
                                          " scales need " + std::to_string(expected));
    if (!r.failed() && !std::all_of(c.shapeWeights.begin(), c.shapeWeights.end(),
                                    [](double w) { return std::isfinite(w); }))
      r.fail(path + ".shape_weights", "must be finite numbers");
    if (!r.failed() && !(c.searchFloor > 0 && c.searchFloor < 1))
      r.fail(path + ".search_floor", "must be a score between 0 and 1");
  }
  if (r.find(path + ".pass_score_weights", false)) {
    // Their count is checked against the passes once the inference section is read.
    if (!r.failed() && !withShape)
      r.fail(path + ".pass_score_weights", "goes with the method 'platt-shape' only");
    if (!r.failed()) c.passScoreWeights = r.numberList(path + ".pass_score_weights", true, 8);
    if (!r.failed() && (c.passScoreWeights.empty() ||
                        !std::all_of(c.passScoreWeights.begin(), c.passScoreWeights.end(),
                                     [](double w) { return std::isfinite(w); })))
      r.fail(path + ".pass_score_weights", "must be finite numbers, one per pass");
  }
  if (r.find(path + ".intensity_weights", false)) {
    if (!r.failed() && !withShape)
      r.fail(path + ".intensity_weights", "goes with the method 'platt-shape' only");
    if (!r.failed())
      c.intensityWeights = r.numberList(path + ".intensity_weights", true, kIntensityValues);
    if (!r.failed() && (c.intensityWeights.size() != static_cast<std::size_t>(kIntensityValues) ||
                        !std::all_of(c.intensityWeights.begin(), c.intensityWeights.end(),
                                     [](double w) { return std::isfinite(w); })))
      r.fail(path + ".intensity_weights",
             "must be " + std::to_string(kIntensityValues) +
                 " finite numbers, one per value of candidateIntensity");
  }
  // After the intensity weights: the spacing terms' own are checked against them.
  if (r.find(path + ".slice_spacing", false)) c.sliceSpacing = parseSliceSpacing(r, path, c);
  return c;
}

constexpr std::size_t kMaxWindowShifts = 8;
constexpr int kMaxWindowShiftVoxels = 15;

/// inference.window_shifts: [[x, y, z], ...]; empty when it is not a list of
/// 1 to kMaxWindowShifts such shifts, each a whole number of voxels from 0 to
/// kMaxWindowShiftVoxels (one more pass per shift: a few, small ones).
std::vector<std::array<int, 3>> readWindowShifts(const json& node) {
  std::vector<std::array<int, 3>> shifts;
  if (!node.is_array() || node.empty() || node.size() > kMaxWindowShifts) return {};
  for (const json& shift : node) {
    if (!shift.is_array() || shift.size() != 3) return {};
    std::array<int, 3> voxels{};
    for (std::size_t axis = 0; axis < 3; ++axis) {
      const json& v = shift[axis];
      if (!v.is_number_integer() || v.get<long long>() < 0 ||
          v.get<long long>() > kMaxWindowShiftVoxels)
        return {};
      voxels[axis] = v.get<int>();
    }
    shifts.push_back(voxels);
  }
  return shifts;
}

constexpr std::size_t kMaxMirroredPasses = 7;  // every non-empty set of the three axes

/// inference.mirrored_passes: ["x", "xyz", ...]; empty when it is not a list
/// of 1 to kMaxMirroredPasses different axis sets, each some of x, y and z in
/// that order (one spelling per set, so a repeated pass shows as a repeat).
std::vector<std::string> readMirroredPasses(const json& node) {
  std::vector<std::string> passes;
  if (!node.is_array() || node.empty() || node.size() > kMaxMirroredPasses) return {};
  for (const json& pass : node) {
    if (!pass.is_string()) return {};
    const std::string axes = pass.get<std::string>();
    static const std::set<std::string> kAxisSets = {"x", "y", "z", "xy", "xz", "yz", "xyz"};
    if (!kAxisSets.count(axes) || std::find(passes.begin(), passes.end(), axes) != passes.end())
      return {};
    passes.push_back(axes);
  }
  return passes;
}

constexpr std::size_t kMaxExtraSpacings = 3;
constexpr double kMinSpacingMm = 0.25, kMaxSpacingMm = 10.0;

/// Refuses `field`, a setting of Vigie's own CT sliding window, on a model
/// that does not run it (another task, or a MONAI bundle, whose inferer runs
/// instead); says whether it did.
bool refusesSlidingWindowField(FieldReader& r, const ModelManifest& m, const std::string& field) {
  if (!m.isCt()) {
    r.fail(field, "applies to CT models only (their sliding window)");
    return true;
  }
  if (m.monai) {
    r.fail(field, "does not apply to a model from a MONAI bundle, which runs MONAI's own inferer");
    return true;
  }
  return false;
}

/// A limit as a reader writes it: 0.25, 10 (not 0.250000, 10.000000).
std::string shortNumber(double value) {
  std::ostringstream text;
  text << value;
  return text.str();
}

/// inference.extra_spacings_mm: [[x, y, z], ...]; empty when it is not a list
/// of 1 to kMaxExtraSpacings spacings, each from kMinSpacingMm to
/// kMaxSpacingMm (each one more pass of the network).
std::vector<std::array<double, 3>> readExtraSpacings(const json& node) {
  std::vector<std::array<double, 3>> spacings;
  if (!node.is_array() || node.empty() || node.size() > kMaxExtraSpacings) return {};
  for (const json& spacing : node) {
    if (!spacing.is_array() || spacing.size() != 3) return {};
    std::array<double, 3> mm{};
    for (std::size_t axis = 0; axis < 3; ++axis) {
      const json& v = spacing[axis];
      if (!v.is_number() || !(v.get<double>() >= kMinSpacingMm && v.get<double>() <= kMaxSpacingMm))
        return {};
      mm[axis] = v.get<double>();
    }
    spacings.push_back(mm);
  }
  return spacings;
}

/// The largest power of two up to 32 dividing every side of a patch: what a
/// network that accepts that patch surely accepts.
int patchMultiple(const std::array<int, 3>& patch) {
  int multiple = 32;
  while (multiple > 1 && (patch[0] % multiple || patch[1] % multiple || patch[2] % multiple))
    multiple /= 2;
  return multiple;
}

/// inference.window_context_voxels, window_max_voxels, window_multiple:
/// fitted windows (ModelManifest::windowContextVoxels).
void readFittedWindows(FieldReader& r, ModelManifest& m) {
  if (refusesSlidingWindowField(r, m, "inference.window_context_voxels")) return;
  const double context = r.number("inference.window_context_voxels", false, 0);
  if (r.failed()) return;
  if (!(context >= 1 && context <= 128) || context != std::floor(context))
    return r.fail("inference.window_context_voxels", "must be a whole number from 1 to 128");
  m.windowContextVoxels = int(context);
  const double multiple = r.number("inference.window_multiple", false, patchMultiple(m.patchSize));
  if (r.failed()) return;
  if (!(multiple >= 1 && multiple <= 64) || multiple != std::floor(multiple))
    return r.fail("inference.window_multiple", "must be a whole number from 1 to 64");
  m.windowMultiple = int(multiple);
  const double maxVoxels =
      r.number("inference.window_max_voxels", false, double(m.windowMaxVoxels));
  if (r.failed()) return;
  // From 64^3 up to 1024^3: below, a window is mostly its overlap.
  if (!(maxVoxels >= 262144 && maxVoxels <= 1073741824.0) || maxVoxels != std::floor(maxVoxels))
    return r.fail("inference.window_max_voxels",
                  "must be a whole number of voxels from 262144 (64^3) to 1073741824 (1024^3)");
  m.windowMaxVoxels = std::int64_t(maxVoxels);
  if (!m.windowShifts.empty())
    return r.fail("inference.window_shifts",
                  "does not apply with inference.window_context_voxels: fitted windows all "
                  "start on the network's pooling grid");
  if (m.extraPassOverlap)
    r.fail("inference.extra_pass_overlap",
           "does not apply with inference.window_context_voxels: fitted windows overlap by "
           "twice the context, whatever the pass");
}

json calibrationJson(const ScoreCalibration& c) {
  json j = {{"method", c.usesShape() ? "platt-shape" : "platt"},
            {"slope", c.slope},
            {"intercept", c.intercept}};
  if (c.usesDiameter()) j["log_diameter_slope"] = c.logDiameterSlope;
  if (c.usesShape()) {
    j["shape_scales_mm"] = c.shapeScalesMm;
    j["shape_weights"] = c.shapeWeights;
    j["search_floor"] = c.searchFloor;
  }
  if (c.usesPassScores()) j["pass_score_weights"] = c.passScoreWeights;
  if (c.usesIntensity()) j["intensity_weights"] = c.intensityWeights;
  if (c.sliceSpacing) {
    const SliceSpacingTerms& s = *c.sliceSpacing;
    j["slice_spacing"] = {{"range_mm", {s.lowestMm, s.highestMm}},
                          {"weight", s.weight},
                          {"score_weight", s.scoreWeight},
                          {"log_diameter_weight", s.logDiameterWeight}};
    if (!s.shapeWeights.empty()) j["slice_spacing"]["shape_weights"] = s.shapeWeights;
    if (!s.intensityWeights.empty()) j["slice_spacing"]["intensity_weights"] = s.intensityWeights;
  }
  if (!c.fittedOn.empty()) j["fitted_on"] = c.fittedOn;
  return j;
}

}  // namespace

core::Result<ModelManifest> ModelManifest::parse(const std::string& text,
                                                 const std::string& source) {
  auto parsed = internal::parseJsonObject(text, source);
  if (!parsed.ok()) return parsed.error();
  const json& root = parsed.value();
  FieldReader r(root, source);
  ModelManifest m;
  m.schemaVersion = internal::saturatedInt(r.number("schema_version", false, 1));
  if (m.schemaVersion != 1)
    r.fail("schema_version", "is " + std::to_string(m.schemaVersion) + "; this Vigie reads 1");
  m.id = r.text("id", true);
  m.name = r.text("name", true);
  m.version = r.text("version", true);
  const std::string task = r.text("task", true);
  if (task == "ct-nodule-detection") {
    m.task = Task::CtNoduleDetection;
  } else if (task == "ct-segmentation") {
    m.task = Task::CtSegmentation;
  } else if (task == "fundus-dr-screening") {
    m.task = Task::FundusDrScreening;
  } else if (!r.failed()) {
    r.fail("task", "is '" + task +
                       "'; known tasks: ct-nodule-detection, ct-segmentation, fundus-dr-screening");
  }
  m.modality = r.text("modality", true);
  m.weightsFile = r.text("weights.file", true);
  m.weightsSha256 = r.text("weights.sha256", true);
  if (!r.failed() && !isHexDigest(m.weightsSha256))
    r.fail("weights.sha256", "must be 64 lowercase hex digits");
  if (!r.failed() && !isFileInsideBundle(m.weightsFile))
    r.fail("weights.file", "must be a file name inside the bundle");

  m.channels = internal::saturatedInt(r.number("input.channels", false, m.isCt() ? 1 : 3));
  if (m.isCt()) {
    m.spacingMm = r.numbers<double, 3>("input.spacing_mm", true, m.spacingMm, true);
    m.patchSize = r.numbers<int, 3>("input.patch_size", true, m.patchSize, true);
    m.intensityWindowHu =
        r.numbers<double, 2>("input.intensity.window_hu", true, m.intensityWindowHu, false);
    if (!r.failed() && m.intensityWindowHu[1] <= m.intensityWindowHu[0]) {
      r.fail("input.intensity.window_hu", "must be [low, high] with low < high");
    }
    const std::string norm = r.text("input.intensity.normalise", false, "minmax");
    if (norm == "zscore") {
      m.normalization = Normalization::ZScore;
      m.mean = r.number("input.intensity.mean", true, 0.0);
      m.sd = r.number("input.intensity.sd", true, 1.0);
      if (!r.failed() && m.sd <= 0) r.fail("input.intensity.sd", "must be positive");
    } else if (norm != "minmax" && !r.failed()) {
      r.fail("input.intensity.normalise", "must be 'minmax' or 'zscore'");
    }
    m.lungMask = r.boolean("input.lung_mask", false);
    if (r.find("candidate_classifier", false)) {
      CandidateClassifier c;
      c.file = r.text("candidate_classifier.file", true);
      c.sha256 = r.text("candidate_classifier.sha256", true);
      if (!r.failed() && !isHexDigest(c.sha256))
        r.fail("candidate_classifier.sha256", "must be 64 lowercase hex digits");
      if (!r.failed() && !isFileInsideBundle(c.file))
        r.fail("candidate_classifier.file", "must be a file name inside the bundle");
      c.patchSize = r.numbers<int, 3>("candidate_classifier.patch_size", true, c.patchSize, true);
      // A cube per candidate, up to a thousand candidates: keep them small.
      if (!r.failed() && *std::max_element(c.patchSize.begin(), c.patchSize.end()) > 256)
        r.fail("candidate_classifier.patch_size", "must be at most 256 voxels a side");
      c.batchSize = internal::saturatedInt(r.number("candidate_classifier.batch_size", false, 32));
      if (!r.failed() && (c.batchSize < 1 || c.batchSize > 1024))
        r.fail("candidate_classifier.batch_size", "must be 1 to 1024");
      m.candidateClassifier = c;
    }
  } else {
    m.targetSize = r.numbers<int, 2>("input.target_size", true, m.targetSize, true);
    m.colorMean = r.numbers<double, 3>("input.colour.mean", false, m.colorMean, false);
    m.colorSd = r.numbers<double, 3>("input.colour.sd", false, m.colorSd, true);
    m.cropFieldOfView = r.boolean("input.crop_field_of_view", true);
  }

  m.monai = internal::parseMonaiPipeline(r);
  if (!r.failed() && m.monai && !m.isCt())
    r.fail("monai", "applies to CT models (ct-nodule-detection, ct-segmentation) only");
  const bool monaiDetector = m.monai && m.monai->family == MonaiPipeline::Family::Detection;
  if (!r.failed() && m.monai && monaiDetector != (m.task == Task::CtNoduleDetection))
    r.fail("monai.family",
           "must be 'detection' for ct-nodule-detection, 'segmentation' for "
           "ct-segmentation");
  const std::string kind = r.text("output.kind", true);
  m.heatmapOutput = kind == "heatmap" || kind == "heatmap+class-scores";
  m.classScoresOutput = kind == "class-scores" || kind == "heatmap+class-scores";
  // A MONAI detector gives boxes, which the runtime decodes itself.
  const bool boxes = kind == "boxes" && monaiDetector;
  if (!m.heatmapOutput && !m.classScoresOutput && !boxes && !r.failed()) {
    r.fail("output.kind", monaiDetector ? "must be 'boxes' for a MONAI detector"
                                        : "must be 'heatmap', 'class-scores' or "
                                          "'heatmap+class-scores'");
  }
  const std::string activation = r.text("output.heatmap_activation", false, "sigmoid");
  if (activation == "none") {
    m.heatmapActivation = Activation::None;
  } else if (activation == "softmax") {
    m.heatmapActivation = Activation::Softmax;
  } else if (activation != "sigmoid" && !r.failed()) {
    r.fail("output.heatmap_activation", "must be 'sigmoid', 'softmax' or 'none'");
  }
  if (const json* labels = r.find("output.labels", false)) {
    if (!labels->is_array()) {
      r.fail("output.labels", "must be an array of strings");
    } else {
      for (const auto& l : *labels) {
        if (!l.is_string()) {
          r.fail("output.labels", "must be an array of strings");
          break;
        }
        m.labels.push_back(l.get<std::string>());
      }
    }
  }
  m.thresholds = r.numberMap("thresholds");
  m.overlap = r.number("inference.overlap", false, 0.5);
  if (!r.failed() && (m.overlap < 0 || m.overlap > 0.95))
    r.fail("inference.overlap", "must be between 0 and 0.95");
  if (const json* shifts = r.find("inference.window_shifts", false)) {
    m.windowShifts = readWindowShifts(*shifts);
    if (!refusesSlidingWindowField(r, m, "inference.window_shifts") && m.windowShifts.empty())
      r.fail("inference.window_shifts",
             "must be a list of 1 to " + std::to_string(kMaxWindowShifts) +
                 " shifts [x, y, z], each a whole number of voxels from 0 to " +
                 std::to_string(kMaxWindowShiftVoxels));
  }
  if (const json* mirrored = r.find("inference.mirrored_passes", false)) {
    m.mirroredPasses = readMirroredPasses(*mirrored);
    if (!refusesSlidingWindowField(r, m, "inference.mirrored_passes") && m.mirroredPasses.empty())
      r.fail("inference.mirrored_passes",
             "must be a list of 1 to " + std::to_string(kMaxMirroredPasses) +
                 " different sets of axes, each some of x, y and z in that order (\"x\", "
                 "\"yz\", \"xyz\")");
  }
  if (const json* spacings = r.find("inference.extra_spacings_mm", false)) {
    m.extraSpacingsMm = readExtraSpacings(*spacings);
    if (!refusesSlidingWindowField(r, m, "inference.extra_spacings_mm") &&
        m.extraSpacingsMm.empty())
      r.fail("inference.extra_spacings_mm",
             "must be a list of 1 to " + std::to_string(kMaxExtraSpacings) +
                 " spacings [x, y, z], each from " + shortNumber(kMinSpacingMm) + " to " +
                 shortNumber(kMaxSpacingMm) + " mm");
  }
  if (r.find("inference.extra_pass_overlap", false)) {
    const double overlap = r.number("inference.extra_pass_overlap", false, m.overlap);
    if (!r.failed() && (overlap < 0 || overlap > 0.95))
      r.fail("inference.extra_pass_overlap", "must be between 0 and 0.95");
    else if (!r.failed() && m.extraSpacingsMm.empty())
      r.fail("inference.extra_pass_overlap",
             "needs inference.extra_spacings_mm, whose passes it sets");
    m.extraPassOverlap = overlap;
  }
  if (r.find("inference.window_context_voxels", false)) {
    readFittedWindows(r, m);
  } else {
    for (const char* field : {"inference.window_max_voxels", "inference.window_multiple"})
      if (!r.failed() && r.find(field, false))
        r.fail(field, "needs inference.window_context_voxels, whose windows it shapes");
  }
  if (r.find("inference.passes_within_lungs", false)) {
    const std::string passes = r.text("inference.passes_within_lungs", false);
    if (!r.failed() && passes != "extra" && passes != "all")
      r.fail("inference.passes_within_lungs", "must be \"extra\" or \"all\"");
    else if (!r.failed() && !(m.isCt() && m.lungMask && !m.monai))
      r.fail("inference.passes_within_lungs",
             "applies to CT models with input.lung_mask only, not to MONAI bundles");
    m.firstPassWithinLungs = passes == "all";
  }
  m.batchSize = internal::saturatedInt(r.number("inference.batch_size", false, 2));
  if (!r.failed() && (m.batchSize < 1 || m.batchSize > 256))
    r.fail("inference.batch_size", "must be 1 to 256");
  m.fp16OnCuda = r.boolean("inference.fp16_on_cuda", false);
  m.intendedUse = r.text("intended_use", true);
  m.trainingData = r.text("training_data", true);
  m.clinicalUse = r.boolean("clinical_use", false);
  m.metrics = r.numberMap("metrics");
  m.card.document = r.text("model_card.document", false);
  m.card.evaluation = r.text("model_card.evaluation", false);
  m.card.knownLimitations = r.texts("model_card.known_limitations");
  m.referableCalibration =
      parseCalibration(r, "calibration.referable", m.task == Task::FundusDrScreening,
                       "fundus-dr-screening", /*acceptsDiameter=*/false);
  m.candidateCalibration =
      parseCalibration(r, "calibration.candidate", m.task == Task::CtNoduleDetection,
                       "ct-nodule-detection", /*acceptsDiameter=*/true);
  if (!r.failed() && m.candidateCalibration && m.candidateCalibration->usesPassScores()) {
    const std::size_t passes = 1 + m.extraSpacingsMm.size();
    const std::size_t weights = m.candidateCalibration->passScoreWeights.size();
    if (passes < 2)
      r.fail("calibration.candidate.pass_score_weights",
             "needs inference.extra_spacings_mm: a model read once has one score");
    else if (weights != passes)
      r.fail("calibration.candidate.pass_score_weights", "has " + std::to_string(weights) +
                                                             " weights; the model reads the scan " +
                                                             std::to_string(passes) + " times");
  }
  if (r.failed()) return core::makeError(core::ErrorCode::ParseError, r.error());
  return m;
}

core::Result<ModelManifest> ModelManifest::load(const std::filesystem::path& file) {
  std::ifstream in(file, std::ios::binary);
  if (!in) return core::makeError(core::ErrorCode::NotFound, file.string() + ": cannot open");
  std::stringstream text;
  text << in.rdbuf();
  return parse(text.str(), file.string());
}

std::string ModelManifest::toJson() const {
  json j;
  j["schema_version"] = schemaVersion;
  j["id"] = id;
  j["name"] = name;
  j["version"] = version;
  j["task"] = toString(task);
  j["modality"] = modality;
  j["weights"] = {{"file", weightsFile}, {"sha256", weightsSha256}};
  j["input"]["channels"] = channels;
  if (isCt()) {
    j["input"]["spacing_mm"] = spacingMm;
    j["input"]["patch_size"] = patchSize;
    j["input"]["intensity"]["window_hu"] = intensityWindowHu;
    j["input"]["lung_mask"] = lungMask;
    j["input"]["intensity"]["normalise"] =
        normalization == Normalization::ZScore ? "zscore" : "minmax";
    if (normalization == Normalization::ZScore) {
      j["input"]["intensity"]["mean"] = mean;
      j["input"]["intensity"]["sd"] = sd;
    }
    if (candidateClassifier) {
      j["candidate_classifier"] = {{"file", candidateClassifier->file},
                                   {"sha256", candidateClassifier->sha256},
                                   {"patch_size", candidateClassifier->patchSize},
                                   {"batch_size", candidateClassifier->batchSize}};
    }
  } else {
    j["input"]["target_size"] = targetSize;
    j["input"]["colour"] = {{"mean", colorMean}, {"sd", colorSd}};
    j["input"]["crop_field_of_view"] = cropFieldOfView;
  }
  j["output"]["kind"] = !heatmapOutput && !classScoresOutput ? "boxes"
                        : heatmapOutput && classScoresOutput ? "heatmap+class-scores"
                        : heatmapOutput                      ? "heatmap"
                                                             : "class-scores";
  j["output"]["heatmap_activation"] = heatmapActivation == Activation::None      ? "none"
                                      : heatmapActivation == Activation::Softmax ? "softmax"
                                                                                 : "sigmoid";
  j["output"]["labels"] = labels;
  j["thresholds"] = thresholds;
  j["inference"] = {{"overlap", overlap}, {"batch_size", batchSize}, {"fp16_on_cuda", fp16OnCuda}};
  if (!windowShifts.empty()) j["inference"]["window_shifts"] = windowShifts;
  if (!mirroredPasses.empty()) j["inference"]["mirrored_passes"] = mirroredPasses;
  if (!extraSpacingsMm.empty()) j["inference"]["extra_spacings_mm"] = extraSpacingsMm;
  if (extraPassOverlap) j["inference"]["extra_pass_overlap"] = *extraPassOverlap;
  if (firstPassWithinLungs) j["inference"]["passes_within_lungs"] = "all";
  if (windowContextVoxels) {
    j["inference"]["window_context_voxels"] = *windowContextVoxels;
    j["inference"]["window_max_voxels"] = windowMaxVoxels;
    j["inference"]["window_multiple"] = windowMultiple;
  }
  j["intended_use"] = intendedUse;
  j["training_data"] = trainingData;
  j["clinical_use"] = clinicalUse;
  j["metrics"] = metrics;
  if (!card.document.empty()) j["model_card"]["document"] = card.document;
  if (!card.evaluation.empty()) j["model_card"]["evaluation"] = card.evaluation;
  if (!card.knownLimitations.empty()) j["model_card"]["known_limitations"] = card.knownLimitations;
  if (referableCalibration) j["calibration"]["referable"] = calibrationJson(*referableCalibration);
  if (candidateCalibration) j["calibration"]["candidate"] = calibrationJson(*candidateCalibration);
  if (monai) j["monai"] = internal::monaiPipelineJson(*monai);
  return j.dump(2);
}

}  // namespace vigie::inference
