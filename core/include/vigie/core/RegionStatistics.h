#pragma once

#include <cstddef>

#include "vigie/core/SliceImage.h"
#include "vigie/core/Vec3.h"
#include "vigie/core/Volume.h"

namespace vigie::core {

/// HU statistics of a region a reader drew on one slice.
struct RegionStatistics {
  std::size_t voxels = 0;
  double meanHu = 0.0;
  double sdHu = 0.0;  ///< sample standard deviation (n - 1)
  double minHu = 0.0;
  double maxHu = 0.0;
  double areaMm2 = 0.0;  ///< voxels x in-plane voxel area
};

/// The voxels of slice `index` of `plane` whose centres lie within `radiusMm`
/// of `centerMm` (LPS; its through-plane coordinate is taken to be the
/// slice's). An empty region (voxels == 0) when none does.
RegionStatistics circleStatistics(const CtVolume& volume, SlicePlane plane, std::size_t index,
                                  const Vec3& centerMm, double radiusMm);

}  // namespace vigie::core
