#pragma once

// Internal: the voxel grid MONAI's pre-processing gives a CT (Orientationd to
// RAS, then Spacingd), computed from the scan's geometry, and the resampling
// onto it and back. MONAI's array axes are (x, y, z) with z fastest in memory;
// its world is RAS while Vigie's is LPS: both are handled here, once.

#include <array>
#include <cstdint>
#include <optional>
#include <vector>

#include "vigie/core/Volume.h"
#include "vigie/inference/ModelManifest.h"

namespace vigie::inference::internal {

struct MonaiGrid {
  /// Array axis w (0 = x, 1 = y, 2 = z, ordered R, A, S) is the scan's index
  /// axis sourceAxis[w] (0 = i, 1 = j, 2 = k), reversed when flipped[w].
  std::array<int, 3> sourceAxis{0, 1, 2};
  std::array<bool, 3> flipped{false, false, false};
  std::array<std::int64_t, 3> size{0, 0, 0};  ///< voxels along x, y, z
  std::array<double, 3> spacing{1, 1, 1};     ///< mm along x, y, z
  /// Scan voxels per grid voxel along each array axis (spacing / scan spacing).
  std::array<double, 3> step{1, 1, 1};
  core::VolumeGeometry source;  ///< the scan's grid

  std::int64_t voxelCount() const { return size[0] * size[1] * size[2]; }
  /// A continuous grid index (x, y, z) as a continuous index of the scan (i, j, k).
  core::Vec3 sourceIndex(const core::Vec3& gridIndex) const;
  /// A continuous grid index (x, y, z) -> patient position (LPS, mm).
  core::Vec3 toPatient(const core::Vec3& gridIndex) const {
    return source.indexToPhysical(sourceIndex(gridIndex));
  }
};

/// The grid MONAI's Orientationd("RAS") + Spacingd(pixdim) give `source`:
/// axes permuted and flipped to the nearest RAS order (no interpolation), then
/// the size round((n - 1) * spacing / pixdim + 1) (numpy rounds half to even),
/// starting at the oriented scan's first voxel. Without Spacingd, the scan's own spacing.
MonaiGrid monaiGrid(const core::VolumeGeometry& source, const MonaiPipeline& p);

/// The scan on the grid, trilinearly interpolated with border padding (MONAI's
/// defaults), then ScaleIntensityRange'd, written into `out`: a [x][y][z]
/// buffer (z fastest) of `outSize` voxels, the grid's first voxel at `offset`
/// (so that it can land inside a padded tensor without a second copy).
void resampleOntoGrid(const core::CtVolume& scan, const MonaiGrid& grid, const MonaiPipeline& p,
                      float* out, const std::array<std::int64_t, 3>& outSize,
                      const std::array<std::int64_t, 3>& offset);

/// Per-voxel channel maps on the grid ([channel][x][y][z]) back onto the
/// scan's own voxels, trilinearly with border padding (MONAI's Invertd with
/// bilinear interpolation): `probability` gets the chosen channel, `label` 1
/// where it is the argmax over the channels or, given a `threshold`, where
/// it is at or above it (MONAI's AsDiscrete). Both hold one value per scan voxel.
void gridChannelsToScan(const float* channels, int channelCount, int chosen,
                        std::optional<float> threshold, const MonaiGrid& grid, float* probability,
                        std::uint8_t* label);

/// MONAI's sliding-window placement along one axis (dense_patch_slices): the
/// starts of windows of `roi` voxels over `size`, interval int(roi * (1 - overlap))
/// (or roi when the window spans the axis), the last one flush with the end.
std::vector<std::int64_t> monaiWindowStarts(std::int64_t size, std::int64_t roi, double overlap);

}  // namespace vigie::inference::internal
