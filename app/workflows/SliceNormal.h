#pragma once

// Where a measurement's plane lies in patient space: the DICOM export lays a
// circular region in the slice of the view it was drawn in.

#include "vigie/core/SlicePlane.h"
#include "vigie/core/VolumeGeometry.h"

namespace vigie::app {

/// The unit normal of a plane's slices in patient space.
inline core::Vec3 sliceNormal(core::SlicePlane plane, const core::VolumeGeometry& geometry) {
  const int axis = plane == core::SlicePlane::Axial     ? 2
                   : plane == core::SlicePlane::Coronal ? 1
                                                        : 0;
  return geometry.direction[static_cast<std::size_t>(axis)];
}

}  // namespace vigie::app
