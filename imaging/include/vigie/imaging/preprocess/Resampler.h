#pragma once

#include "vigie/core/Result.h"
#include "vigie/core/Volume.h"

namespace vigie::imaging {

/// Resamples a CT onto a grid with `spacingMm` (x, y, z), keeping its origin
/// and direction and covering the same extent; linear interpolation (ITK),
/// HU rounded, -1024 HU outside. Blocks; any thread.
core::Result<core::CtVolume> resampleToSpacing(const core::CtVolume& volume,
                                               const core::Vec3& spacingMm);

/// Resamples a real-valued map (a heatmap) onto `target`'s grid, linear
/// interpolation (ITK), 0 outside. Blocks; any thread.
core::Result<core::FloatVolume> resampleOnto(const core::FloatVolume& map,
                                             const core::VolumeGeometry& target);

}  // namespace vigie::imaging
