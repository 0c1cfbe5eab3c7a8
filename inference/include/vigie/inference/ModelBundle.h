#pragma once

#include <filesystem>

#include "vigie/core/Result.h"
#include "vigie/inference/ModelManifest.h"

namespace vigie::inference {

/// A model bundle on disk: a folder with manifest.json and the TorchScript
/// file it names. Opening validates the manifest and checks the weights'
/// SHA-256 against it: a bundle whose weights changed is refused.
/// Loading the weights into LibTorch is InferenceSession's job.
class ModelBundle {
 public:
  static core::Result<ModelBundle> open(const std::filesystem::path& folder);

  /// Writes a bundle folder around a user's TorchScript file: copies it in,
  /// fills in the weights' name and SHA-256, and writes manifest.json.
  static core::Result<ModelBundle> create(const std::filesystem::path& torchScriptFile,
                                          ModelManifest manifest,
                                          const std::filesystem::path& folder);

  const ModelManifest& manifest() const { return manifest_; }
  const std::filesystem::path& folder() const { return folder_; }
  std::filesystem::path weightsPath() const { return folder_ / manifest_.weightsFile; }

 private:
  ModelBundle(ModelManifest manifest, std::filesystem::path folder)
      : manifest_(std::move(manifest)), folder_(std::move(folder)) {}

  ModelManifest manifest_;
  std::filesystem::path folder_;
};

}  // namespace vigie::inference
