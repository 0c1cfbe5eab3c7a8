// Maps a MONAI detection bundle's detector onto a Vigie manifest: the anchor
// generator, the box selector and the sliding-window inferer that
// detector_ops set.

#include <map>

#include "FieldReader.h"
#include "MonaiMapper.h"

namespace vigie::inference::internal {

namespace {

/// "name(a=1, b=[1,2], c='x', d=@id)" -> {"a": "1", ...} (values as written).
core::Result<std::map<std::string, std::string>> keywordArguments(const std::string& args) {
  std::map<std::string, std::string> out;
  int depth = 0;
  std::string current;
  auto flush = [&]() -> bool {
    const auto eq = current.find('=');
    if (eq == std::string::npos) return current.find_first_not_of(" \t") == std::string::npos;
    auto trim = [](std::string s) {
      s.erase(0, s.find_first_not_of(" \t"));
      s.erase(s.find_last_not_of(" \t") + 1);
      return s;
    };
    out[trim(current.substr(0, eq))] = trim(current.substr(eq + 1));
    current.clear();
    return true;
  };
  for (char c : args) {
    if (c == '[' || c == '(') ++depth;
    if (c == ']' || c == ')') --depth;
    if (c == ',' && depth == 0) {
      if (!flush()) return core::makeError(core::ErrorCode::Unsupported, "positional argument");
      continue;
    }
    current += c;
  }
  if (!flush()) return core::makeError(core::ErrorCode::Unsupported, "positional argument");
  return out;
}

}  // namespace

core::Status MonaiMapper::readDetectorOp(const std::string& id, const std::string& call,
                                         MonaiPipeline& p) {
  // "$@detector.method(keyword=value, ...)"
  internal::ExpressionCursor cursor(call);
  std::string name;
  if (cursor.consume('$') && cursor.consume('@') && cursor.consumeWord("detector") &&
      cursor.consume('.'))
    name = cursor.identifier();
  const std::string rest = cursor.rest();
  const auto open = rest.find('('), close = rest.find_last_of(')');
  if (name.empty() || open == std::string::npos || close == std::string::npos || close < open ||
      rest.substr(0, open).find_first_not_of(" \t") != std::string::npos ||
      rest.substr(close + 1).find_first_not_of(" \t") != std::string::npos)
    return config_.error(
        id, "is a Python expression ('" + internal::excerpt(call) + "') Vigie cannot evaluate");
  auto args = keywordArguments(rest.substr(open + 1, close - open - 1));
  if (!args.ok()) return config_.error(id, "calls " + name + " with positional arguments");
  // A keyword's value: a number, a quoted string, a list of numbers or an @reference.
  auto value = [&](const std::string& key) -> core::Result<json> {
    const auto it = args.value().find(key);
    if (it == args.value().end()) return json();
    std::string text = it->second;
    if (!text.empty() && (text.front() == '\'' || text.front() == '"'))
      return json(text.substr(1, text.size() - 2));
    if (!text.empty() && text.front() == '@') return config_.get(text.substr(1));
    if (!internal::nestingWithinLimit(text))
      return config_.error(id, "passes " + key + " nested too deep");
    try {
      return json::parse(text);
    } catch (const json::exception&) {
      return config_.error(
          id, "passes " + key + "=" + internal::excerpt(text) + ", which Vigie cannot evaluate");
    }
  };
  auto numberArg = [&](const std::string& key, double& out) -> core::Status {
    auto v = value(key);
    if (!v.ok()) return v.error();
    if (v.value().is_null()) return core::Status{};
    if (!v.value().is_number()) return config_.error(id, key + " must be a number");
    out = v.value().get<double>();
    return core::Status{};
  };
  if (name == "set_target_keys") return core::Status{};  // training only
  if (name == "set_box_selector_parameters") {
    double topk = p.topkPerLevel, perImage = p.detectionsPerImage;
    for (auto [key, out] : {std::pair<const char*, double*>{"score_thresh", &p.scoreThreshold},
                            {"topk_candidates_per_level", &topk},
                            {"nms_thresh", &p.nmsThreshold},
                            {"detections_per_img", &perImage}}) {
      if (auto s = numberArg(key, *out); !s.ok()) return s;
    }
    p.topkPerLevel = internal::saturatedInt(topk),
    p.detectionsPerImage = internal::saturatedInt(perImage);
    for (const auto& [key, _] : args.value()) {
      if (key != "score_thresh" && key != "topk_candidates_per_level" && key != "nms_thresh" &&
          key != "detections_per_img" && key != "apply_sigmoid")
        return config_.error(id, "sets " + key + ", which Vigie does not map");
    }
    return core::Status{};
  }
  if (name == "set_sliding_window_inferer") {
    auto roi = value("roi_size");
    if (!roi.ok()) return roi.error();
    auto parsed = triple(roi.value(), id + " roi_size");
    if (!parsed.ok()) return parsed.error();
    for (int a = 0; a < 3; ++a) p.roiSize[a] = internal::saturatedInt(parsed.value()[a]);
    double batch = p.swBatchSize;
    if (auto s = numberArg("overlap", p.overlap); !s.ok()) return s;
    if (auto s = numberArg("sw_batch_size", batch); !s.ok()) return s;
    p.swBatchSize = internal::saturatedInt(batch);
    auto mode = value("mode");
    if (!mode.ok()) return mode.error();
    p.gaussianBlending = mode.value() == json("gaussian");
    return core::Status{};
  }
  return config_.error(id, "calls detector." + name + ", which Vigie does not map");
}

core::Status MonaiMapper::readDetector(MonaiPipeline& p) {
  p.family = MonaiPipeline::Family::Detection;
  auto detector = config_.get("detector");
  if (!detector.ok()) return detector.error();
  const json& d = detector.value();
  auto numClasses = number(d, "detector", "num_classes", 1.0);
  if (!numClasses.ok()) return numClasses.error();
  p.numClasses = internal::saturatedInt(numClasses.value());
  auto divisible = field(d, "detector", "size_divisible", json::array({1, 1, 1}));
  if (!divisible.ok()) return divisible.error();
  auto parsedDivisible = triple(divisible.value(), "detector#size_divisible");
  if (!parsedDivisible.ok()) return parsedDivisible.error();
  for (int a = 0; a < 3; ++a)
    p.sizeDivisible[a] = internal::saturatedInt(parsedDivisible.value()[a]);

  auto anchors = field(d, "detector", "anchor_generator");
  if (!anchors.ok()) return anchors.error();
  const json& a = anchors.value();
  const std::string anchorClass = targetClassOf(a);
  if (anchorClass != "AnchorGeneratorWithAnchorShape")
    return config_.error("anchor_generator",
                         "is " + anchorClass + "; Vigie maps AnchorGeneratorWithAnchorShape");
  auto scales = field(a, "anchor_generator", "feature_map_scales");
  auto shapes = field(a, "anchor_generator", "base_anchor_shapes");
  if (!scales.ok()) return scales.error();
  if (!shapes.ok()) return shapes.error();
  p.featureMapScales.clear();
  p.baseAnchorShapes.clear();
  if (!scales.value().is_array())
    return config_.error("anchor_generator#feature_map_scales", "must be a list");
  for (const auto& s : scales.value()) {
    if (!s.is_number_integer())
      return config_.error("anchor_generator#feature_map_scales", "must be integers");
    p.featureMapScales.push_back(s.get<int>());
  }
  if (!shapes.value().is_array())
    return config_.error("anchor_generator#base_anchor_shapes", "must be a list");
  for (const auto& s : shapes.value()) {
    auto shape = triple(s, "anchor_generator#base_anchor_shapes");
    if (!shape.ok()) return shape.error();
    p.baseAnchorShapes.push_back(shape.value());
  }
  // MONAI's detector defaults, unless detector_ops change them.
  p.scoreThreshold = 0.05, p.topkPerLevel = 1000, p.nmsThreshold = 0.5, p.detectionsPerImage = 300;
  bool slidingWindow = false;
  if (config_.has("detector_ops")) {
    auto ops = config_.get("detector_ops");
    if (!ops.ok()) return ops.error();
    const json list = ops.value().is_array() ? ops.value() : json::array({ops.value()});
    for (std::size_t i = 0; i < list.size(); ++i) {
      const std::string id = "detector_ops#" + std::to_string(i);
      if (!list[i].is_string()) return config_.error(id, "must be a call on @detector");
      const std::string call = list[i].get<std::string>();
      slidingWindow |= call.find("set_sliding_window_inferer") != std::string::npos;
      if (auto s = readDetectorOp(id, call, p); !s.ok()) return s;
    }
  }
  if (config_.has("inferer")) {
    auto inferer = config_.get("inferer");
    if (!inferer.ok()) return inferer.error();
    auto force = field(inferer.value(), "inferer", "force_sliding_window", false);
    if (!force.ok()) return force.error();
    p.forceSlidingWindow = force.value() == json(true);
  }
  // Without a sliding-window inferer the detector always runs on the whole scan.
  if (!slidingWindow) p.roiSize = {1 << 14, 1 << 14, 1 << 14}, p.forceSlidingWindow = false;
  std::set<std::string> seen;
  return checkPostprocessing({"ClipBoxToImaged", "AffineBoxToWorldCoordinated", "ConvertBoxModed",
                              "DeleteItemsd", "ConvertBoxToStandardModed"},
                             seen);
}

}  // namespace vigie::inference::internal
