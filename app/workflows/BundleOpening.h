#pragma once

#include <filesystem>

#include "vigie/core/Result.h"
#include "vigie/inference/ModelBundle.h"

namespace vigie::app {

/// Where imported MONAI bundles are kept between runs: $XDG_CACHE_HOME/vigie/
/// monai-bundles, else ~/.cache/vigie/monai-bundles, else the temp folder.
std::filesystem::path defaultImportedBundleCache();

/// The shipped reference bundles' folders in the models folder, by what they read.
constexpr const char* kReferenceCtModel = "ct-nodule-synth";
constexpr const char* kReferenceFundusModel = "fundus-dr";

/// Where a model the user named is: a path that exists (a bundle folder, a
/// zip, a MONAI bundle or its exported TorchScript) as it is; otherwise the
/// id (e.g. "vigie-fundus-dr") or folder name of a bundle installed in
/// `modelsDir`. The error names what was asked and lists the installed ids.
core::Result<std::filesystem::path> resolveModel(const std::string& nameOrPath,
                                                 const std::filesystem::path& modelsDir);

/// Opens what the user named as a model: a Vigie bundle (folder, manifest.json's
/// folder or zip) as it is; a MONAI bundle (folder, zip, or exported
/// TorchScript) imported on the fly into `cache` (once: the import is reused
/// while the source file is unchanged). A MONAI config that needs overrides
/// (`--set`) must be imported with `vigie-cli bundle import`.
core::Result<inference::ModelBundle> openOrImportBundle(const std::filesystem::path& path,
                                                        const std::filesystem::path& cache);

}  // namespace vigie::app
