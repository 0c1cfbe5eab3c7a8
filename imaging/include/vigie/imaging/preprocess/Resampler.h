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

/// What resampleInto does with a sample and the voxel it lands on.
enum class Combine {
  Replace,     ///< the voxel becomes the sample
  KeepHigher,  ///< the voxel keeps the higher of the two
};

/// Samples a real-valued map at those voxels of `target` that lie within the
/// map's extent (linear interpolation, ITK, as resampleOnto) and combines each
/// sample with the voxel; voxels outside that extent keep their value. Only
/// the part of `target` the map covers is read, a few slices at a time: a
/// heatmap of the lungs' box carried back onto a 512x512x600 series needs
/// no second grid of the series' size (629 MB each) beside it. Blocks; any
/// thread.
core::Status resampleInto(const core::FloatVolume& map, core::FloatVolume& target, Combine combine);

}  // namespace vigie::imaging
