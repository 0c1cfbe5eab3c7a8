#include "MonaiPipelineJson.h"

#include <algorithm>

namespace vigie::inference::internal {

namespace {

const char* familyName(MonaiPipeline::Family f) {
  return f == MonaiPipeline::Family::Detection ? "detection" : "segmentation";
}

void readDetection(FieldReader& r, MonaiPipeline& p) {
  const std::string d = "monai.detection.";
  p.sizeDivisible = r.numbers<int, 3>(d + "size_divisible", true, p.sizeDivisible, true);
  p.numClasses = saturatedInt(r.number(d + "num_classes", true, 1));
  p.scoreThreshold = r.number(d + "score_threshold", true, p.scoreThreshold);
  p.topkPerLevel = saturatedInt(r.number(d + "topk_per_level", true, p.topkPerLevel));
  p.nmsThreshold = r.number(d + "nms_threshold", true, p.nmsThreshold);
  p.detectionsPerImage =
      saturatedInt(r.number(d + "detections_per_image", true, p.detectionsPerImage));
  if (r.failed()) return;
  if (p.numClasses < 1 || p.numClasses > 64) return r.fail(d + "num_classes", "must be 1 to 64");
  if (p.topkPerLevel < 1 || p.detectionsPerImage < 1)
    return r.fail(d + "topk_per_level", "and detections_per_image must be positive");
  if (!(p.nmsThreshold > 0 && p.nmsThreshold <= 1))
    return r.fail(d + "nms_threshold", "must be in (0, 1]");

  p.featureMapScales.clear();
  const json* scales = r.find(d + "feature_map_scales", true);
  if (!scales) return;
  if (!scales->is_array() || scales->empty() || scales->size() > 8)
    return r.fail(d + "feature_map_scales", "must be an array of 1 to 8 positive integers");
  for (const auto& s : *scales) {
    if (!s.is_number_integer() || s.get<int>() < 1)
      return r.fail(d + "feature_map_scales", "must be an array of 1 to 8 positive integers");
    p.featureMapScales.push_back(s.get<int>());
  }
  p.baseAnchorShapes.clear();
  const json* shapes = r.find(d + "base_anchor_shapes", true);
  if (!shapes) return;
  const char* wanted = "must be an array of [x, y, z] anchor sizes (positive numbers)";
  if (!shapes->is_array() || shapes->empty() || shapes->size() > 32)
    return r.fail(d + "base_anchor_shapes", wanted);
  for (const auto& s : *shapes) {
    if (!s.is_array() || s.size() != 3) return r.fail(d + "base_anchor_shapes", wanted);
    std::array<double, 3> shape{};
    for (int a = 0; a < 3; ++a) {
      if (!s[a].is_number() || s[a].get<double>() <= 0)
        return r.fail(d + "base_anchor_shapes", wanted);
      shape[a] = s[a].get<double>();
    }
    p.baseAnchorShapes.push_back(shape);
  }
}

/// "label": "argmax", or a threshold in (0, 1). Manifests written before it
/// existed took the argmax after softmax and 0.5 after sigmoid: so does its absence.
void readLabelRule(FieldReader& r, MonaiPipeline& p) {
  const std::string key = "monai.segmentation.label";
  const json* label = r.find(key, false);
  if (!label) {
    if (!p.softmax) p.labelThreshold = 0.5;
    return;
  }
  if (*label == json("argmax")) return;
  if (!label->is_number() || !(label->get<double>() > 0 && label->get<double>() < 1))
    return r.fail(key, "must be \"argmax\" or a threshold between 0 and 1");
  p.labelThreshold = label->get<double>();
}

}  // namespace

std::optional<MonaiPipeline> parseMonaiPipeline(FieldReader& r) {
  if (!r.find("monai", false)) return std::nullopt;
  MonaiPipeline p;
  const std::string family = r.text("monai.family", true);
  if (family == "detection") {
    p.family = MonaiPipeline::Family::Detection;
  } else if (family != "segmentation" && !r.failed()) {
    r.fail("monai.family", "is '" + family + "'; known: detection, segmentation");
  }
  p.bundleName = r.text("monai.source.name", false);
  p.bundleVersion = r.text("monai.source.version", false);
  p.monaiVersion = r.text("monai.source.monai_version", false);
  p.sourceSha256 = r.text("monai.source.sha256", false);

  p.resample = r.boolean("monai.preprocessing.resample", true);
  p.pixdim = r.numbers<double, 3>("monai.preprocessing.pixdim", true, p.pixdim, true);
  const auto range =
      r.numbers<double, 4>("monai.preprocessing.scale_intensity_range", true, {0, 1, 0, 1}, false);
  p.aMin = range[0], p.aMax = range[1], p.bMin = range[2], p.bMax = range[3];
  p.clip = r.boolean("monai.preprocessing.clip", true);
  if (!r.failed() && p.aMax == p.aMin)
    r.fail("monai.preprocessing.scale_intensity_range", "must have a_min != a_max");

  p.roiSize = r.numbers<int, 3>("monai.inferer.roi_size", true, p.roiSize, true);
  p.overlap = r.number("monai.inferer.overlap", true, p.overlap);
  p.swBatchSize = saturatedInt(r.number("monai.inferer.sw_batch_size", false, 1));
  const std::string mode = r.text("monai.inferer.mode", false, "constant");
  p.gaussianBlending = mode == "gaussian";
  p.forceSlidingWindow = r.boolean("monai.inferer.force_sliding_window", false);
  if (!r.failed() && (p.overlap < 0 || p.overlap >= 1))
    r.fail("monai.inferer.overlap", "must be in [0, 1)");
  if (!r.failed() && (p.swBatchSize < 1 || p.swBatchSize > 256))
    r.fail("monai.inferer.sw_batch_size", "must be 1 to 256");
  if (!r.failed() && mode != "constant" && mode != "gaussian")
    r.fail("monai.inferer.mode", "must be 'constant' or 'gaussian'");
  // A window is a dense float tensor: keep one within a few GB.
  if (!r.failed() && double(p.roiSize[0]) * p.roiSize[1] * p.roiSize[2] > 1024.0 * 1024 * 256)
    r.fail("monai.inferer.roi_size", "is too large (at most 2^28 voxels a window)");

  if (p.family == MonaiPipeline::Family::Detection) {
    readDetection(r, p);
  } else {
    const std::string activation = r.text("monai.segmentation.activation", false, "softmax");
    p.softmax = activation == "softmax";
    if (!r.failed() && activation != "softmax" && activation != "sigmoid")
      r.fail("monai.segmentation.activation", "must be 'softmax' or 'sigmoid'");
    p.channel = saturatedInt(r.number("monai.segmentation.channel", true, 1));
    if (!r.failed() && (p.channel < 0 || p.channel > 255))
      r.fail("monai.segmentation.channel", "must be 0 to 255");
    readLabelRule(r, p);
  }
  return p;
}

json monaiPipelineJson(const MonaiPipeline& p) {
  json j;
  j["family"] = familyName(p.family);
  j["source"] = {{"name", p.bundleName},
                 {"version", p.bundleVersion},
                 {"monai_version", p.monaiVersion},
                 {"sha256", p.sourceSha256}};
  j["preprocessing"] = {{"orientation", "RAS"},
                        {"resample", p.resample},
                        {"pixdim", p.pixdim},
                        {"scale_intensity_range", {p.aMin, p.aMax, p.bMin, p.bMax}},
                        {"clip", p.clip}};
  j["inferer"] = {{"roi_size", p.roiSize},
                  {"overlap", p.overlap},
                  {"sw_batch_size", p.swBatchSize},
                  {"mode", p.gaussianBlending ? "gaussian" : "constant"},
                  {"force_sliding_window", p.forceSlidingWindow}};
  if (p.family == MonaiPipeline::Family::Detection) {
    j["detection"] = {
        {"size_divisible", p.sizeDivisible},        {"feature_map_scales", p.featureMapScales},
        {"base_anchor_shapes", p.baseAnchorShapes}, {"num_classes", p.numClasses},
        {"score_threshold", p.scoreThreshold},      {"topk_per_level", p.topkPerLevel},
        {"nms_threshold", p.nmsThreshold},          {"detections_per_image", p.detectionsPerImage}};
  } else {
    j["segmentation"] = {{"activation", p.softmax ? "softmax" : "sigmoid"},
                         {"channel", p.channel},
                         {"label", p.labelThreshold ? json(*p.labelThreshold) : json("argmax")}};
  }
  return j;
}

}  // namespace vigie::inference::internal
