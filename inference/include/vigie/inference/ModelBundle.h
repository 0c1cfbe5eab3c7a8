#pragma once

#include <filesystem>
#include <memory>

#include "vigie/core/Result.h"
#include "vigie/core/ZipArchive.h"
#include "vigie/inference/ModelManifest.h"

namespace vigie::inference {

/// A model bundle on disk: a folder with manifest.json and the TorchScript
/// file it names, or a zip of such a folder. Opening validates the manifest
/// and checks the weights' SHA-256 against it: a bundle whose weights changed
/// is refused. Loading the weights into LibTorch is InferenceSession's job.
class ModelBundle {
 public:
  /// `path` is a bundle folder or a zip holding one (manifest.json at the
  /// zip's root or inside its single top-level folder). A zip is unpacked into
  /// a private scratch folder that lives as long as the bundle and its copies.
  static core::Result<ModelBundle> open(const std::filesystem::path& path);

  /// Writes a bundle folder around a user's TorchScript file: copies it in,
  /// fills in the weights' name and SHA-256, and writes manifest.json. A CT
  /// model's candidate classifier, when given, is copied in the same way
  /// (its patch and batch sizes come from the manifest, or the defaults).
  static core::Result<ModelBundle> create(const std::filesystem::path& torchScriptFile,
                                          ModelManifest manifest,
                                          const std::filesystem::path& folder,
                                          const std::filesystem::path& classifierFile = {});

  const ModelManifest& manifest() const { return manifest_; }
  /// Where the bundle's files are (the scratch folder, for a zip).
  const std::filesystem::path& folder() const { return folder_; }
  /// What the user named: the folder, or the zip.
  const std::filesystem::path& source() const { return source_; }
  std::filesystem::path weightsPath() const { return folder_ / manifest_.weightsFile; }
  /// The candidate classifier's TorchScript file; empty when the model has none.
  std::filesystem::path classifierPath() const {
    return manifest_.candidateClassifier ? folder_ / manifest_.candidateClassifier->file
                                         : std::filesystem::path{};
  }

 private:
  ModelBundle(ModelManifest manifest, std::filesystem::path folder)
      : manifest_(std::move(manifest)), folder_(folder), source_(std::move(folder)) {}
  static core::Result<ModelBundle> openFolder(const std::filesystem::path& folder);
  static core::Result<ModelBundle> openZip(const std::filesystem::path& zip);

  ModelManifest manifest_;
  std::filesystem::path folder_;
  std::filesystem::path source_;
  std::shared_ptr<const core::ScratchFolder> unpacked_;  ///< set for a zip
};

}  // namespace vigie::inference
