// Maps a MONAI bundle's configs onto a Vigie manifest: pre-processing,
// segmentation, provenance (the detector: MonaiDetectorMapping.cpp).

#include "MonaiMapper.h"

#include <algorithm>
#include <cctype>
#include <cstdlib>

#include "FieldReader.h"

namespace vigie::inference {
namespace internal {

core::Result<json> MonaiMapper::field(const json& object, const std::string& id,
                                      const std::string& key, const json& fallback) const {
  if (!object.is_object() || !object.contains(key)) {
    if (fallback.is_null()) return config_.error(id + "#" + key, "is missing");
    return fallback;
  }
  return config_.resolve(object[key], id + "#" + key);
}

core::Result<double> MonaiMapper::number(const json& object, const std::string& id,
                                         const std::string& key,
                                         std::optional<double> fallback) const {
  auto value = field(object, id, key, fallback ? json(*fallback) : json());
  if (!value.ok()) return value.error();
  if (!value.value().is_number()) return config_.error(id + "#" + key, "must be a number");
  return value.value().get<double>();
}

core::Result<std::array<double, 3>> MonaiMapper::triple(const json& value,
                                                        const std::string& id) const {
  std::array<double, 3> out{};
  if (value.is_number()) {  // MONAI broadcasts a scalar to every axis
    out.fill(value.get<double>());
    return out;
  }
  if (!value.is_array() || value.size() != 3)
    return config_.error(id, "must be 3 numbers (x, y, z), or one number for all three");
  for (int a = 0; a < 3; ++a) {
    auto item = config_.resolve(value[a], id + "#" + std::to_string(a));
    if (!item.ok()) return item.error();
    if (!item.value().is_number()) return config_.error(id, "must be 3 numbers (x, y, z)");
    out[a] = item.value().get<double>();
  }
  return out;
}

core::Result<bool> isDisabled(const MonaiConfig& config, const json& transform,
                              const std::string& id) {
  if (!transform.contains("_disabled_")) return false;
  auto disabled = config.resolve(transform["_disabled_"], id + "#_disabled_");
  if (!disabled.ok()) return disabled.error();
  if (disabled.value().is_string()) {  // MONAI reads "true"/"false" strings too
    const std::string s = disabled.value().get<std::string>();
    if (s == "true" || s == "True") return true;
    if (s == "false" || s == "False") return false;
  }
  if (!disabled.value().is_boolean())
    return config.error(id + "#_disabled_", "must be true or false");
  return disabled.value().get<bool>();
}

core::Status MonaiMapper::readTransform(const TransformEntry& entry, MonaiPipeline& p,
                                        std::set<std::string>& seen) {
  const std::string& id = entry.id;
  const json& transform = entry.body;
  const std::string& name = entry.name;
  const std::string where = entry.where();
  if (entry.disabled) {
    if (name.rfind("Spacing", 0) == 0)
      notes_.push_back(where + " is disabled by its _disabled_ entry (" +
                       internal::describe(transform["_disabled_"]) +
                       "): scans are used at their own spacing; if the bundle's README says to "
                       "enable it for raw scans, import again with --set");
    return core::Status{};
  }

  // Loading, channel handling and typing: Vigie loads the series itself.
  static const std::set<std::string> noOps = {
      "LoadImaged",  "LoadImage",  "EnsureChannelFirstd", "EnsureChannelFirst",
      "AddChanneld", "AddChannel", "EnsureTyped",         "EnsureType",
      "ToTensord",   "ToTensor",   "DeleteItemsd"};
  if (noOps.count(name)) {
    if (name.rfind("LoadImage", 0) == 0 && transform.contains("reader")) {
      auto reader = config_.resolve(transform["reader"], id + "#reader");
      if (!reader.ok()) return reader.error();
      const std::string r = reader.value().is_string() ? reader.value().get<std::string>() : "";
      std::string lower = r;
      std::transform(lower.begin(), lower.end(), lower.begin(), ::tolower);
      if (lower != "itkreader" && lower != "nibabelreader")
        return config_.error(where, "uses reader '" + r +
                                        "'; Vigie maps ITKReader and "
                                        "NibabelReader (both give a RAS affine)");
    }
    return core::Status{};
  }
  if (name == "Orientationd" || name == "Orientation") {
    auto axcodes = field(transform, id, "axcodes");
    if (!axcodes.ok()) return axcodes.error();
    if (axcodes.value() != json("RAS"))
      return config_.error(where, "orients to " + internal::describe(axcodes.value()) +
                                      "; Vigie runs bundles oriented to RAS");
    seen.insert("Orientation");
    return core::Status{};
  }
  if (name == "Spacingd" || name == "Spacing") {
    auto pixdim = field(transform, id, "pixdim");
    if (!pixdim.ok()) return pixdim.error();
    auto parsed = triple(pixdim.value(), id + "#pixdim");
    if (!parsed.ok()) return parsed.error();
    for (double d : parsed.value())
      if (!(d > 0)) return config_.error(id + "#pixdim", "must be positive");
    p.pixdim = parsed.value();
    auto mode = field(transform, id, "mode", "bilinear");
    if (!mode.ok()) return mode.error();
    if (mode.value() != json("bilinear"))
      return config_.error(where, "interpolates with " + internal::describe(mode.value()) +
                                      "; Vigie resamples images bilinearly, as MONAI's default");
    auto padding = field(transform, id, "padding_mode", "border");
    if (!padding.ok()) return padding.error();
    if (padding.value() != json("border"))
      return config_.error(where, "pads with " + internal::describe(padding.value()) +
                                      "; Vigie pads as MONAI's default, 'border'");
    p.resample = true;
    seen.insert("Spacing");
    return core::Status{};
  }
  if (name == "ScaleIntensityRanged" || name == "ScaleIntensityRange") {
    auto aMin = number(transform, id, "a_min");
    auto aMax = number(transform, id, "a_max");
    auto bMin = number(transform, id, "b_min");
    auto bMax = number(transform, id, "b_max");
    for (const auto* r : {&aMin, &aMax, &bMin, &bMax})
      if (!r->ok()) return r->error();
    auto clip = field(transform, id, "clip", false);
    if (!clip.ok()) return clip.error();
    if (!clip.value().is_boolean()) return config_.error(id + "#clip", "must be true or false");
    if (aMin.value() == aMax.value()) return config_.error(where, "has a_min == a_max");
    p.aMin = aMin.value(), p.aMax = aMax.value(), p.bMin = bMin.value(), p.bMax = bMax.value();
    p.clip = clip.value().get<bool>();
    seen.insert("ScaleIntensityRange");
    return core::Status{};
  }
  return config_.error(where,
                       "is not a transform Vigie can run (it maps LoadImage, "
                       "EnsureChannelFirst, Orientation to RAS, Spacing, "
                       "ScaleIntensityRange, EnsureType, ToTensor)");
}

core::Result<std::vector<TransformEntry>> MonaiMapper::composeTransforms(const std::string& id,
                                                                         bool optional) const {
  std::vector<TransformEntry> entries;
  if (optional && !config_.has(id)) return entries;
  auto compose = config_.get(id);
  if (!compose.ok()) return compose.error();
  json transforms = compose.value();
  if (compose.value().is_object()) {
    auto list = field(compose.value(), id, "transforms");
    if (!list.ok()) return list.error();
    transforms = list.value();
  }
  if (!transforms.is_array()) return config_.error(id + "#transforms", "must be a list");
  for (std::size_t i = 0; i < transforms.size(); ++i) {
    TransformEntry entry;
    entry.id = id + "#transforms#" + std::to_string(i);
    auto body = config_.resolve(transforms[i], entry.id);
    if (!body.ok()) return body.error();
    entry.body = body.value();
    if (!entry.body.is_object() || !entry.body.contains("_target_"))
      return config_.error(entry.id, "is not a transform (an object with _target_)");
    auto target = config_.resolve(entry.body["_target_"], entry.id + "#_target_");
    if (!target.ok()) return target.error();
    if (!target.value().is_string())
      return config_.error(entry.id + "#_target_", "must be a class name");
    entry.name = monaiClassName(target.value().get<std::string>());
    auto disabled = isDisabled(config_, entry.body, entry.id);
    if (!disabled.ok()) return disabled.error();
    entry.disabled = disabled.value();
    entries.push_back(std::move(entry));
  }
  return entries;
}

core::Status MonaiMapper::readPreprocessing(MonaiPipeline& p) {
  auto transforms = composeTransforms("preprocessing", /*optional=*/false);
  if (!transforms.ok()) return transforms.error();
  std::set<std::string> seen;
  for (const auto& entry : transforms.value())
    if (auto read = readTransform(entry, p, seen); !read.ok()) return read;
  // Without them the network's input would depend on how the file was stored.
  if (!seen.count("Orientation"))
    return config_.error("preprocessing",
                         "has no Orientationd; Vigie needs the array's "
                         "orientation fixed by the bundle");
  if (!seen.count("ScaleIntensityRange"))
    return config_.error("preprocessing",
                         "has no ScaleIntensityRanged; Vigie needs the "
                         "intensity mapping stated");
  // Without Spacing MONAI keeps the scan's own spacing: Vigie does too.
  p.resample = seen.count("Spacing") > 0;
  return core::Status{};
}

core::Status MonaiMapper::checkPostprocessing(const std::set<std::string>& known,
                                              std::set<std::string>& seen) {
  auto transforms = composeTransforms("postprocessing", /*optional=*/true);
  if (!transforms.ok()) return transforms.error();
  for (const auto& entry : transforms.value()) {
    if (entry.disabled) continue;
    if (!known.count(entry.name))
      return config_.error(entry.where(), "is a post-processing step Vigie cannot run");
    seen.insert(entry.name);
  }
  return core::Status{};
}

core::Result<bool> MonaiMapper::flag(const json& object, const std::string& id,
                                     const std::string& key) const {
  auto value = field(object, id, key, false);
  if (!value.ok()) return value.error();
  if (!value.value().is_boolean()) return config_.error(id + "#" + key, "must be true or false");
  return value.value().get<bool>();
}

core::Status MonaiMapper::readLabelRule(MonaiPipeline& p) {
  auto transforms = composeTransforms("postprocessing", /*optional=*/true);
  if (!transforms.ok()) return transforms.error();
  bool activated = false, argmax = false;
  std::optional<double> threshold;
  p.softmax = true;  // what MONAI's softmax bundles use; Activationsd says otherwise
  for (const auto& entry : transforms.value()) {
    if (entry.disabled) continue;
    const json& body = entry.body;
    const std::string where = entry.where();
    if (entry.name == "Activationsd") {
      if (body.contains("other") && !body["other"].is_null())
        return config_.error(where,
                             "applies a Python callable ('other'); Vigie applies softmax "
                             "or sigmoid");
      auto softmax = flag(body, entry.id, "softmax");
      if (!softmax.ok()) return softmax.error();
      auto sigmoid = flag(body, entry.id, "sigmoid");
      if (!sigmoid.ok()) return sigmoid.error();
      if (softmax.value() && sigmoid.value())
        return config_.error(where, "applies both softmax and sigmoid; Vigie applies one of them");
      if (!softmax.value() && !sigmoid.value()) continue;
      if (activated) return config_.error(where, "is a second activation; Vigie applies one, once");
      activated = true;
      p.softmax = softmax.value();
    } else if (entry.name == "AsDiscreted") {
      // MONAI before 1.0 spelled the threshold differently; say what to write.
      for (const char* old : {"threshold_values", "logit_thresh"})
        if (body.contains(old))
          return config_.error(
              where, std::string("uses '") + old + "' (MONAI before 1.0); Vigie reads 'threshold'");
      auto takesArgmax = flag(body, entry.id, "argmax");
      if (!takesArgmax.ok()) return takesArgmax.error();
      argmax = argmax || takesArgmax.value();
      if (body.contains("threshold") && !body["threshold"].is_null()) {
        auto t = number(body, entry.id, "threshold");
        if (!t.ok()) return t.error();
        if (!(t.value() > 0 && t.value() < 1))
          return config_.error(entry.id + "#threshold",
                               "is " + internal::describe(json(t.value())) +
                                   "; Vigie thresholds probabilities, so it must be between 0 "
                                   "and 1 (exclusive)");
        if (!activated)
          return config_.error(where,
                               "thresholds the network's raw output (no Activationsd sigmoid or "
                               "softmax before it); Vigie thresholds probabilities");
        threshold = t.value();
      }
      if (argmax && threshold)
        return config_.error(where,
                             "takes the argmax and a threshold; Vigie makes the label one way "
                             "(the argmax over the channels, or one channel thresholded)");
    }
  }
  // Without AsDiscreted MONAI keeps probabilities: Vigie still needs a
  // label, and takes the argmax after softmax, 0.5 after sigmoid.
  if (threshold) {
    p.labelThreshold = threshold;
  } else if (!argmax && !p.softmax) {
    p.labelThreshold = 0.5;
  }
  return core::Status{};
}

namespace {

/// The network's output in metadata.json ("pred", else the first one), or null.
const json* networkOutput(const json& metadata) {
  if (!metadata.contains("network_data_format") || !metadata["network_data_format"].is_object())
    return nullptr;
  const json& format = metadata["network_data_format"];
  if (!format.contains("outputs") || !format["outputs"].is_object() || format["outputs"].empty())
    return nullptr;
  const json& outputs = format["outputs"];
  const json& output = outputs.contains("pred") ? outputs["pred"] : outputs.begin().value();
  return output.is_object() ? &output : nullptr;
}

}  // namespace

core::Status MonaiMapper::readSegmentation(MonaiPipeline& p, const MonaiImportOptions& options) {
  p.family = MonaiPipeline::Family::Segmentation;
  auto inferer = config_.get("inferer");
  if (!inferer.ok()) return inferer.error();
  const json& i = inferer.value();
  const std::string name = targetClassOf(i);
  if (name != "SlidingWindowInferer")
    return config_.error("inferer (" + name + ")",
                         "is not an inferer Vigie maps "
                         "(SlidingWindowInferer)");
  auto roi = field(i, "inferer", "roi_size");
  if (!roi.ok()) return roi.error();
  auto parsedRoi = triple(roi.value(), "inferer#roi_size");
  if (!parsedRoi.ok()) return parsedRoi.error();
  for (int a = 0; a < 3; ++a) p.roiSize[a] = internal::saturatedInt(parsedRoi.value()[a]);
  auto batch = number(i, "inferer", "sw_batch_size", 1.0);
  auto overlap = number(i, "inferer", "overlap", 0.25);
  if (!batch.ok()) return batch.error();
  if (!overlap.ok()) return overlap.error();
  p.swBatchSize = internal::saturatedInt(batch.value());
  p.overlap = overlap.value();
  auto mode = field(i, "inferer", "mode", "constant");
  if (!mode.ok()) return mode.error();
  p.gaussianBlending = mode.value() == json("gaussian");
  for (const char* key : {"padding_mode", "sigma_scale", "cval"}) {
    if (i.contains(key))
      return config_.error(std::string("inferer#") + key, "is set; Vigie runs MONAI's default");
  }

  std::set<std::string> seen;
  if (auto s = checkPostprocessing({"Activationsd", "Invertd", "AsDiscreted", "SaveImaged",
                                    "EnsureTyped", "CopyItemsd", "DeleteItemsd"},
                                   seen);
      !s.ok())
    return s;
  if (auto s = readLabelRule(p); !s.ok()) return s;

  // The channel shown: the user's, or the first that channel_def does not
  // call the background; without channel_def, 1 (0 for a one-channel output,
  // a sigmoid's foreground).
  const json* output = networkOutput(metadata_);
  const json* channels =
      output && output->contains("channel_def") ? &(*output)["channel_def"] : nullptr;
  std::optional<int> outputChannels;
  if (output && output->contains("num_channels") && (*output)["num_channels"].is_number_integer())
    outputChannels = (*output)["num_channels"].get<int>();
  else if (channels && channels->is_object() && !channels->empty())
    outputChannels = static_cast<int>(channels->size());
  p.channel = outputChannels == 1 ? 0 : 1;
  if (channels && channels->is_object()) {
    for (const auto& [key, label] : channels->items()) {
      if (label.is_string() && label.get<std::string>() != "background") {
        p.channel = internal::saturatedInt(std::strtod(key.c_str(), nullptr));
        break;
      }
    }
  }
  if (options.channel) p.channel = *options.channel;
  if (outputChannels && (p.channel < 0 || p.channel >= *outputChannels))
    return config_.error("channel", "is " + std::to_string(p.channel) +
                                        " but metadata.json gives the network " +
                                        std::to_string(*outputChannels) + " output channel" +
                                        (*outputChannels == 1 ? "" : "s"));
  return core::Status{};
}

std::string slug(const std::string& name) {
  std::string out;
  for (char c : name) {
    if (std::isalnum(static_cast<unsigned char>(c))) {
      out += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    } else if (!out.empty() && out.back() != '-') {
      out += '-';
    }
  }
  while (!out.empty() && out.back() == '-') out.pop_back();
  return out.empty() ? "bundle" : out;
}

std::string metadataText(const json& metadata, const char* key) {
  return metadata.contains(key) && metadata[key].is_string() ? metadata[key].get<std::string>()
                                                             : std::string();
}

core::Result<ModelManifest> MonaiMapper::map(const MonaiImportOptions& options) {
  MonaiPipeline p;
  p.bundleName = metadataText(metadata_, "name");
  p.bundleVersion = metadataText(metadata_, "version");
  p.monaiVersion = metadataText(metadata_, "monai_version");
  if (p.bundleName.empty()) p.bundleName = metadataText(metadata_, "task");
  if (p.bundleName.empty()) return metadataError("name", "is missing");

  const json inputs =
      metadata_.value("network_data_format", json::object()).value("inputs", json::object());
  if (!inputs.is_object() || inputs.empty())
    return metadataError("network_data_format.inputs", "is missing");
  const json& image = inputs.begin().value();
  const std::string modality = image.value("modality", std::string());
  if (modality != "CT")
    return metadataError("network_data_format.inputs." + inputs.begin().key() + ".modality",
                         "is '" + modality + "'; Vigie runs MONAI bundles on CT");
  if (image.value("num_channels", 1) != 1)
    return metadataError("network_data_format.inputs." + inputs.begin().key() + ".num_channels",
                         "must be 1 (one CT volume)");

  if (auto s = readPreprocessing(p); !s.ok()) return s.error();
  const bool detector = config_.has("detector");
  if (auto s = detector ? readDetector(p) : readSegmentation(p, options); !s.ok()) return s.error();

  ModelManifest m;
  m.task = detector ? ModelManifest::Task::CtNoduleDetection : ModelManifest::Task::CtSegmentation;
  m.id = "monai-" + slug(p.bundleName);
  m.name = p.bundleName + " (MONAI bundle)";
  m.version = p.bundleVersion.empty() ? "0" : p.bundleVersion;
  m.modality = "CT";
  m.channels = 1;
  // The generic CT fields, for displays: MONAI's own steps are in m.monai.
  m.spacingMm = p.pixdim;
  for (int a = 0; a < 3; ++a) m.patchSize[a] = std::min(p.roiSize[a], 4096);
  m.intensityWindowHu = {std::min(p.aMin, p.aMax), std::max(p.aMin, p.aMax)};
  m.overlap = std::min(p.overlap, 0.95);
  m.batchSize = std::clamp(p.swBatchSize, 1, 256);
  m.heatmapOutput = !detector;
  m.heatmapActivation =
      p.softmax ? ModelManifest::Activation::Softmax : ModelManifest::Activation::Sigmoid;
  if (detector) {
    // MONAI keeps boxes down to score_thresh for its metrics; readers see
    // those at or above 0.5 unless they choose otherwise (analyze --threshold).
    m.thresholds["candidate"] = std::max(0.5, p.scoreThreshold);
  } else {
    m.thresholds["label"] = p.labelThreshold.value_or(0.5);
  }
  const json outputs =
      metadata_.value("network_data_format", json::object()).value("outputs", json::object());
  if (outputs.is_object() && !outputs.empty()) {
    const json channels = outputs.begin().value().value("channel_def", json::object());
    if (channels.is_object())
      for (const auto& [key, label] : channels.items())
        if (label.is_string()) m.labels.push_back(label.get<std::string>());
  }
  m.intendedUse = metadataText(metadata_, "intended_use");
  if (m.intendedUse.empty()) m.intendedUse = "not stated by the bundle";
  m.trainingData = metadataText(metadata_, "data_source");
  if (m.trainingData.empty()) m.trainingData = "not stated by the bundle";
  m.clinicalUse = false;
  if (metadata_.contains("eval_metrics") && metadata_["eval_metrics"].is_object())
    for (const auto& [key, value] : metadata_["eval_metrics"].items())
      if (value.is_number()) m.metrics[key] = value.get<double>();
  m.card.evaluation = "Figures reported by the bundle's authors (MONAI Model Zoo, " + p.bundleName +
                      " " + p.bundleVersion + "), not measured by Vigie on this site's scans.";
  m.card.knownLimitations = {
      "Imported from a MONAI bundle: Vigie runs MONAI's pre- and post-processing as the "
      "bundle's inference.json states; the model itself is the bundle authors'.",
      "Not for clinical use unless the bundle's licence and intended use say so."};
  const std::string license = metadataText(metadata_, "copyright");
  if (!license.empty()) m.card.knownLimitations.push_back("Copyright: " + license);
  if (m.task == ModelManifest::Task::CtSegmentation && p.channel >= int(m.labels.size()) &&
      !m.labels.empty())
    return config_.error("channel", "is " + std::to_string(p.channel) + " but the bundle has " +
                                        std::to_string(m.labels.size()) + " output channels");
  m.monai = p;
  return m;
}

}  // namespace internal

using internal::MonaiConfig;
using nlohmann::json;

core::Result<ModelManifest> manifestFromMonaiConfigs(const std::string& metadataText,
                                                     const std::string& inferenceText,
                                                     const std::string& source,
                                                     const MonaiImportOptions& options,
                                                     std::vector<std::string>* notes) {
  const std::string metadataSource = source + "/metadata.json";
  auto parsedMetadata = internal::parseJsonObject(metadataText, metadataSource);
  if (!parsedMetadata.ok()) return parsedMetadata.error();
  const json& metadata = parsedMetadata.value();
  auto config = MonaiConfig::parse(inferenceText, source + "/inference.json");
  if (!config.ok()) return config.error();
  for (const auto& [id, text] : options.overrides) {
    json value = json::parse(text, nullptr, false);
    if (value.is_discarded()) value = text;  // a bare word is a string, as on MONAI's command line
    if (auto s = config.value().set(id, value); !s.ok()) return s.error();
  }
  std::vector<std::string> ignored;
  try {
    return internal::MonaiMapper(config.value(), metadata, metadataSource, notes ? *notes : ignored)
        .map(options);
  } catch (const json::exception& e) {
    // A field of an unexpected type that a check above did not foresee.
    return core::makeError(core::ErrorCode::ParseError, source + ": " + e.what());
  }
}

}  // namespace vigie::inference
