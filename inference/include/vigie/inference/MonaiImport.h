#pragma once

#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "vigie/core/Result.h"
#include "vigie/inference/ModelBundle.h"
#include "vigie/inference/ModelManifest.h"

namespace vigie::inference {

struct MonaiImportOptions {
  /// A segmentation bundle's channel to show as the heatmap; by default the
  /// first channel that channel_def does not call "background".
  std::optional<int> channel;
  /// Entries of inference.json replaced before mapping, as MONAI's command
  /// line does ("--whether_raw_luna16 true"): id -> JSON value.
  std::map<std::string, std::string> overrides;
};

/// Maps a MONAI bundle's configs/metadata.json and configs/inference.json
/// onto a Vigie manifest with a "monai" section (weights not yet named).
/// Transforms, inferers and post-processing steps that Vigie cannot run
/// exactly as MONAI would are refused with the entry's id and class, e.g.
/// "inference.json: entry 'preprocessing#transforms#4' (RandFlipd) is not
/// supported". `source` names the configs' location in messages. `notes`,
/// when given, receives what the user should know (e.g. a disabled Spacingd).
core::Result<ModelManifest> manifestFromMonaiConfigs(const std::string& metadataJson,
                                                     const std::string& inferenceJson,
                                                     const std::string& source,
                                                     const MonaiImportOptions& options = {},
                                                     std::vector<std::string>* notes = nullptr);

/// A MONAI bundle as found on disk: its two configs and its TorchScript file.
struct MonaiBundleFiles {
  std::string metadataJson;
  std::string inferenceJson;
  std::string configSource;                ///< where the configs came from, for messages
  std::filesystem::path torchScript;       ///< models/model.ts, or the file the user named
  std::optional<std::string> expectedMd5;  ///< from large_files.yml, when it lists model.ts
  std::string license;                     ///< the heading of the bundle's LICENSE, if any
  std::vector<std::string> notes;          ///< what the reader did, for the user
};

/// Reads a MONAI bundle folder (configs/, models/model.ts, large_files.yml), a
/// zip of one, or a TorchScript file whose extra files hold metadata.json and
/// inference.json (what `monai.bundle ckpt_export` writes). `scratch` receives
/// the folder a zip was unpacked into (keep it alive while the files are used).
core::Result<MonaiBundleFiles> readMonaiBundle(const std::filesystem::path& path,
                                               std::shared_ptr<const core::ScratchFolder>& scratch);

/// Whether `path` looks like a MONAI bundle (and not a Vigie bundle): a
/// folder or zip with configs/metadata.json, or a TorchScript file with an
/// embedded metadata.json. Cheap: reads no weights.
bool looksLikeMonaiBundle(const std::filesystem::path& path);

/// `vigie-cli bundle import`: reads a MONAI bundle, checks the TorchScript
/// file's md5 against large_files.yml when it is listed there, checks that
/// LibTorch can load it, and writes a Vigie bundle folder at `outFolder`.
/// `notes` receives what the import did and what the user should know.
core::Result<ModelBundle> importMonaiBundle(const std::filesystem::path& source,
                                            const std::filesystem::path& outFolder,
                                            std::vector<std::string>& notes,
                                            const MonaiImportOptions& options = {});

}  // namespace vigie::inference
