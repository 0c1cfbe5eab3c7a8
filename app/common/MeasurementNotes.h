#pragma once

// How a reader's measurement remembers the view it was drawn in: its note
// starts with the plane ("axial: mean 40.2 HU, ..."). The GUI writes and reads
// it back to draw the measurement again; the DICOM export reads it to lay a
// circular region in its slice.

#include <optional>
#include <string>

#include "vigie/core/SliceImage.h"
#include "vigie/core/VolumeGeometry.h"

namespace vigie::app {

inline const char* planeWord(core::SlicePlane plane) {
  switch (plane) {
    case core::SlicePlane::Axial:
      return "axial";
    case core::SlicePlane::Coronal:
      return "coronal";
    case core::SlicePlane::Sagittal:
      return "sagittal";
  }
  return "axial";
}

inline std::optional<core::SlicePlane> planeOfNote(const std::string& note) {
  for (auto plane :
       {core::SlicePlane::Axial, core::SlicePlane::Coronal, core::SlicePlane::Sagittal})
    if (note.rfind(std::string(planeWord(plane)) + ":", 0) == 0) return plane;
  return std::nullopt;
}

/// The unit normal of a plane's slices in patient space.
inline core::Vec3 sliceNormal(core::SlicePlane plane, const core::VolumeGeometry& geometry) {
  const int axis = plane == core::SlicePlane::Axial     ? 2
                   : plane == core::SlicePlane::Coronal ? 1
                                                        : 0;
  return geometry.direction[static_cast<std::size_t>(axis)];
}

}  // namespace vigie::app
