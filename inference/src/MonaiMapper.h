#pragma once

// Internal: maps a MONAI bundle's configs onto a Vigie manifest's "monai"
// section (manifestFromMonaiConfigs). MonaiMapper.cpp reads the
// pre-processing, segmentation and provenance; MonaiDetectorMapping.cpp the
// detector (anchors, box selection, detector_ops).

#include <array>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "MonaiConfig.h"
#include "vigie/inference/MonaiImport.h"

namespace vigie::inference::internal {

using nlohmann::json;

/// One transform of a Compose: its entry id, its body with references
/// resolved, its class name without the module path, and whether its
/// "_disabled_" entry switches it off.
struct TransformEntry {
  std::string id;
  json body;
  std::string name;
  bool disabled = false;
  std::string where() const { return id + " (" + name + ")"; }
};

/// Builds a manifest's "monai" section step by step; the first problem wins.
class MonaiMapper {
 public:
  MonaiMapper(const MonaiConfig& config, const json& metadata, std::string metadataSource,
              std::vector<std::string>& notes)
      : config_(config),
        metadata_(metadata),
        metadataSource_(std::move(metadataSource)),
        notes_(notes) {}

  core::Result<ModelManifest> map(const MonaiImportOptions& options);

 private:
  core::Status readPreprocessing(MonaiPipeline& p);
  /// The transforms of the Compose at `id` ("preprocessing"), resolved; an
  /// absent entry is an empty list when `optional`.
  core::Result<std::vector<TransformEntry>> composeTransforms(const std::string& id,
                                                              bool optional) const;
  core::Status readTransform(const TransformEntry& entry, MonaiPipeline& p,
                             std::set<std::string>& seen);
  core::Status readDetector(MonaiPipeline& p);
  core::Status readDetectorOp(const std::string& id, const std::string& call, MonaiPipeline& p);
  core::Status readSegmentation(MonaiPipeline& p, const MonaiImportOptions& options);
  /// Refuses post-processing steps outside `known`; `seen` gets those found.
  core::Status checkPostprocessing(const std::set<std::string>& known, std::set<std::string>& seen);
  /// A segmentation's activation and label from Activationsd and AsDiscreted
  /// (argmax, or a threshold on the chosen channel), refusing what mixes them.
  core::Status readLabelRule(MonaiPipeline& p);

  /// `object[key]` resolved, or `fallback` when absent.
  core::Result<json> field(const json& object, const std::string& id, const std::string& key,
                           const json& fallback = nullptr) const;
  core::Result<double> number(const json& object, const std::string& id, const std::string& key,
                              std::optional<double> fallback = std::nullopt) const;
  /// `object[key]` resolved as true or false; false when absent.
  core::Result<bool> flag(const json& object, const std::string& id, const std::string& key) const;
  core::Result<std::array<double, 3>> triple(const json& value, const std::string& id) const;
  core::Error metadataError(const std::string& field, const std::string& problem) const {
    return core::makeError(core::ErrorCode::Unsupported,
                           metadataSource_ + ": field '" + field + "' " + problem);
  }

  const MonaiConfig& config_;
  const json& metadata_;
  std::string metadataSource_;
  std::vector<std::string>& notes_;
};

/// The class an object's "_target_" names, without its module path; "?"
/// when it has none (for messages that name what was found).
inline std::string targetClassOf(const json& object) {
  return object.is_object() && object.contains("_target_") && object["_target_"].is_string()
             ? monaiClassName(object["_target_"].get<std::string>())
             : std::string("?");
}

/// Whether a transform is switched off by its "_disabled_" key.
core::Result<bool> isDisabled(const MonaiConfig& config, const json& transform,
                              const std::string& id);

}  // namespace vigie::inference::internal
