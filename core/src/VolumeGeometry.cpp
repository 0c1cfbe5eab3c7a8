#include "vigie/core/VolumeGeometry.h"

#include <cmath>

namespace vigie::core {

Vec3 VolumeGeometry::indexToPhysical(const Vec3& index) const {
  return origin + direction[0] * (index.x * spacing.x) + direction[1] * (index.y * spacing.y) +
         direction[2] * (index.z * spacing.z);
}

Vec3 VolumeGeometry::physicalToIndex(const Vec3& point) const {
  // The inverse of an orthonormal matrix is its transpose.
  const Vec3 offset = point - origin;
  return {offset.dot(direction[0]) / spacing.x, offset.dot(direction[1]) / spacing.y,
          offset.dot(direction[2]) / spacing.z};
}

bool VolumeGeometry::isValid(std::string* why) const {
  auto fail = [why](const char* reason) {
    if (why) *why = reason;
    return false;
  };
  if (size.voxelCount() == 0) return fail("empty grid");
  if (!(spacing.x > 0.0 && spacing.y > 0.0 && spacing.z > 0.0)) return fail("non-positive spacing");
  constexpr double kTolerance = 1e-4;
  for (int a = 0; a < 3; ++a) {
    if (std::abs(direction[a].norm() - 1.0) > kTolerance)
      return fail("direction axis not unit length");
    for (int b = a + 1; b < 3; ++b) {
      if (std::abs(direction[a].dot(direction[b])) > kTolerance)
        return fail("direction axes not orthogonal");
    }
  }
  return true;
}

}  // namespace vigie::core
