#pragma once

#include <cstddef>

#include "vigie/core/Image2D.h"
#include "vigie/core/SlicePlane.h"
#include "vigie/core/Volume.h"

namespace vigie::core {

/// Display window in HU: values below centre - width/2 are black, above
/// centre + width/2 white.
struct HuWindow {
  double center = -600.0;
  double width = 1500.0;

  static HuWindow lung() { return {-600.0, 1500.0}; }
  static HuWindow mediastinum() { return {40.0, 400.0}; }
  static HuWindow bone() { return {400.0, 1800.0}; }
  static HuWindow softTissue() { return {50.0, 350.0}; }
};

/// Number of slices a plane has in this volume.
std::size_t sliceCount(const VolumeGeometry& geometry, SlicePlane plane);

/// Renders one slice as an 8-bit grey image with square pixels (the
/// coarser axis is linearly interpolated), top row superior for coronal and
/// sagittal, anterior for axial. `index` is clamped to the valid range.
Image2D renderSlice(const CtVolume& volume, SlicePlane plane, std::size_t index, HuWindow window);

}  // namespace vigie::core
