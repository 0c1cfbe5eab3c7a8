#include "vigie/core/RegionStatistics.h"

#include <algorithm>
#include <cmath>

namespace vigie::core {

RegionStatistics circleStatistics(const CtVolume& volume, SlicePlane plane, std::size_t index,
                                  const Vec3& centerMm, double radiusMm) {
  RegionStatistics stats;
  const auto& g = volume.geometry();
  // The index axis the slice cuts across, and the two that span it.
  const int across = plane == SlicePlane::Axial ? 2 : plane == SlicePlane::Coronal ? 1 : 0;
  const std::size_t sizes[3] = {g.size.i, g.size.j, g.size.k};
  const double spacing[3] = {g.spacing.x, g.spacing.y, g.spacing.z};
  if (index >= sizes[across] || radiusMm <= 0) return stats;
  Vec3 centerIndex = g.physicalToIndex(centerMm);
  centerIndex[across] = static_cast<double>(index);
  const Vec3 center = g.indexToPhysical(centerIndex);

  long lo[3], hi[3];
  for (int axis = 0; axis < 3; ++axis) {
    if (axis == across) {
      lo[axis] = hi[axis] = static_cast<long>(index);
      continue;
    }
    const double reach = radiusMm / spacing[axis] + 1.0;
    lo[axis] = std::max(0L, static_cast<long>(std::floor(centerIndex[axis] - reach)));
    hi[axis] = std::min(static_cast<long>(sizes[axis]) - 1,
                        static_cast<long>(std::ceil(centerIndex[axis] + reach)));
  }
  double sum = 0, sumSquares = 0;
  for (long k = lo[2]; k <= hi[2]; ++k)
    for (long j = lo[1]; j <= hi[1]; ++j)
      for (long i = lo[0]; i <= hi[0]; ++i) {
        const Vec3 p = g.indexToPhysical({double(i), double(j), double(k)});
        if (distance(p, center) > radiusMm) continue;
        const double hu = volume.at(std::size_t(i), std::size_t(j), std::size_t(k));
        if (stats.voxels == 0) stats.minHu = stats.maxHu = hu;
        stats.minHu = std::min(stats.minHu, hu);
        stats.maxHu = std::max(stats.maxHu, hu);
        sum += hu;
        sumSquares += hu * hu;
        ++stats.voxels;
      }
  if (stats.voxels == 0) return stats;
  const double n = static_cast<double>(stats.voxels);
  stats.meanHu = sum / n;
  stats.sdHu =
      n > 1 ? std::sqrt(std::max(0.0, (sumSquares - n * stats.meanHu * stats.meanHu) / (n - 1)))
            : 0.0;
  double inPlaneArea = 1.0;
  for (int axis = 0; axis < 3; ++axis)
    if (axis != across) inPlaneArea *= spacing[axis];
  stats.areaMm2 = n * inPlaneArea;
  return stats;
}

}  // namespace vigie::core
