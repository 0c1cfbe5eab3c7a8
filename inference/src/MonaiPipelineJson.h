#pragma once

// Internal: the "monai" section of manifest.json (a model imported from a
// MONAI bundle), read and written beside the rest of the manifest.

#include <optional>

#include "FieldReader.h"
#include "vigie/inference/ModelManifest.h"

namespace vigie::inference::internal {

/// The "monai" section, when the manifest has one; errors go to `r`.
std::optional<MonaiPipeline> parseMonaiPipeline(FieldReader& r);

json monaiPipelineJson(const MonaiPipeline& p);

}  // namespace vigie::inference::internal
