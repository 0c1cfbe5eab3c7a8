#pragma once

#include <string>

#include "vigie/inference/ModelManifest.h"

namespace vigie::inference {

/// A model's card as plain text, the same for `vigie-cli bundle info` and the
/// GUI's model card: what it is for, what it was trained on, how its scores
/// are calibrated, what it measured and on what, and where it fails. The
/// first line after the title says whether it is for clinical use.
std::string modelCardText(const ModelManifest& manifest);

}  // namespace vigie::inference
