#pragma once

#include <array>
#include <cstddef>

#include "vigie/core/Result.h"
#include "vigie/core/Volume.h"

namespace vigie::imaging {

/// A box of voxels, from `first` to `last` inclusive, as (i, j, k) indices.
struct IndexBox {
  std::array<std::size_t, 3> first{};
  std::array<std::size_t, 3> last{};

  std::size_t voxelCount() const;
};

/// The voxels of `volume` inside `box`, copied as they are: the same spacing
/// and direction, the origin moved to the box's first voxel. Fails
/// (InvalidArgument) when the box is empty or reaches outside the volume.
core::Result<core::CtVolume> cropToBox(const core::CtVolume& volume, const IndexBox& box);

}  // namespace vigie::imaging
