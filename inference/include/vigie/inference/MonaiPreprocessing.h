#pragma once

#include <array>
#include <cstdint>
#include <vector>

#include "vigie/core/Volume.h"
#include "vigie/inference/ModelManifest.h"

namespace vigie::inference {

/// A scan as a MONAI bundle's network receives it, before padding and windows.
struct MonaiPreprocessed {
  std::vector<float> voxels;           ///< [x][y][z], z fastest (MONAI's array order)
  std::array<std::int64_t, 3> size{};  ///< x, y, z
  /// Array index (x, y, z, 1) -> RAS mm, as MONAI's MetaTensor affine.
  std::array<std::array<double, 4>, 4> rasAffine{};
};

/// MONAI's pre-processing of a bundle imported with `bundle import`:
/// Orientationd("RAS"), Spacingd(pixdim) (bilinear, border padding, MONAI's
/// output-shape rule) and ScaleIntensityRanged, from Vigie's LPS scan. What
/// InferenceSession::detectBoxes and segment feed the network; public so that
/// it can be checked voxel by voxel against MONAI's documented behaviour.
MonaiPreprocessed preprocessLikeMonai(const core::CtVolume& scan, const MonaiPipeline& pipeline);

}  // namespace vigie::inference
