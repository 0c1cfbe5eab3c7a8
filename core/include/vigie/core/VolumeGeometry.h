#pragma once

#include <array>
#include <cstddef>
#include <string>

#include "vigie/core/Vec3.h"

namespace vigie::core {

/// Number of voxels along i (columns), j (rows) and k (slices).
struct VolumeSize {
  std::size_t i = 0;
  std::size_t j = 0;
  std::size_t k = 0;

  std::size_t voxelCount() const { return i * j * k; }
  bool operator==(const VolumeSize& o) const { return i == o.i && j == o.j && k == o.k; }
};

/// Where a voxel grid sits in patient space, the way DICOM and ITK define it:
///   physical = origin + direction * (index .* spacing)
/// Patient space is LPS (x to the patient's left, y posterior, z superior), in mm.
/// The columns of `direction` are the unit vectors of the i, j and k axes.
struct VolumeGeometry {
  VolumeSize size;
  Vec3 origin;                  ///< centre of voxel (0,0,0), LPS mm
  Vec3 spacing{1.0, 1.0, 1.0};  ///< mm between voxel centres along i, j, k
  std::array<Vec3, 3> direction{Vec3{1, 0, 0}, Vec3{0, 1, 0},
                                Vec3{0, 0, 1}};  ///< axis unit vectors

  /// Continuous voxel index -> patient position (LPS, mm).
  Vec3 indexToPhysical(const Vec3& index) const;
  /// Patient position (LPS, mm) -> continuous voxel index. Assumes an
  /// orthonormal direction matrix, as every DICOM volume has.
  Vec3 physicalToIndex(const Vec3& point) const;

  /// True when the geometry describes a non-empty grid with positive spacing
  /// and orthonormal axes; `why` (if given) receives the reason when it does not.
  bool isValid(std::string* why = nullptr) const;

  /// Volume of one voxel in mm^3.
  double voxelVolume() const { return spacing.x * spacing.y * spacing.z; }
};

}  // namespace vigie::core
