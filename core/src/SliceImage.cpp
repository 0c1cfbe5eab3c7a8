#include "vigie/core/SliceImage.h"

#include <algorithm>
#include <cmath>

namespace vigie::core {

const char* toString(SlicePlane plane) {
  switch (plane) {
    case SlicePlane::Axial:
      return "axial";
    case SlicePlane::Coronal:
      return "coronal";
    case SlicePlane::Sagittal:
      return "sagittal";
  }
  return "axial";
}

std::optional<SlicePlane> slicePlaneFromString(const std::string& text) {
  for (SlicePlane plane : {SlicePlane::Axial, SlicePlane::Coronal, SlicePlane::Sagittal})
    if (text == toString(plane)) return plane;
  return std::nullopt;
}

std::size_t sliceCount(const VolumeGeometry& g, SlicePlane plane) {
  switch (plane) {
    case SlicePlane::Axial:
      return g.size.k;
    case SlicePlane::Coronal:
      return g.size.j;
    case SlicePlane::Sagittal:
      return g.size.i;
  }
  return 0;
}

Image2D renderSlice(const CtVolume& volume, SlicePlane plane, std::size_t index, HuWindow window) {
  const VolumeGeometry& g = volume.geometry();
  if (volume.empty()) return {};
  index = std::min(index, sliceCount(g, plane) - 1);

  // In-plane axes (u across, v down) as voxel axes, with their spacings.
  int uAxis = 0, vAxis = 1;
  if (plane == SlicePlane::Coronal) vAxis = 2;
  if (plane == SlicePlane::Sagittal) {
    uAxis = 1;
    vAxis = 2;
  }
  const std::size_t sizes[3] = {g.size.i, g.size.j, g.size.k};
  const double spacing[3] = {g.spacing.x, g.spacing.y, g.spacing.z};
  const double pixel = std::min(spacing[uAxis], spacing[vAxis]);
  const int width =
      std::max(1, static_cast<int>(std::lround(sizes[uAxis] * spacing[uAxis] / pixel)));
  const int height =
      std::max(1, static_cast<int>(std::lround(sizes[vAxis] * spacing[vAxis] / pixel)));
  // k grows superior; screens grow downwards, so coronal/sagittal flip v.
  const bool flipV = vAxis == 2;

  const double lo = window.center - 0.5 * window.width;
  const double scale = 255.0 / std::max(1.0, window.width);
  auto voxel = [&](double u, double v) {
    double idx[3];
    idx[uAxis] = u;
    idx[vAxis] = v;
    const int fixedAxis = 3 - uAxis - vAxis;
    idx[fixedAxis] = static_cast<double>(index);
    // Linear interpolation along v only (the axis that may be stretched).
    const double v0 = std::floor(idx[vAxis]);
    const double t = idx[vAxis] - v0;
    auto at = [&](double vv) {
      double p[3] = {idx[0], idx[1], idx[2]};
      p[vAxis] = std::clamp(vv, 0.0, static_cast<double>(sizes[vAxis] - 1));
      p[uAxis] = std::clamp(std::round(p[uAxis]), 0.0, static_cast<double>(sizes[uAxis] - 1));
      return static_cast<double>(volume.at(static_cast<std::size_t>(p[0]),
                                           static_cast<std::size_t>(p[1]),
                                           static_cast<std::size_t>(p[2])));
    };
    return at(v0) * (1 - t) + at(v0 + 1) * t;
  };

  Image2D image(width, height, 1);
  for (int y = 0; y < height; ++y) {
    const double vMm = (y + 0.5) * pixel;
    double v = vMm / spacing[vAxis] - 0.5;
    if (flipV) v = (sizes[vAxis] - 1) - v;
    for (int x = 0; x < width; ++x) {
      const double u = (x + 0.5) * pixel / spacing[uAxis] - 0.5;
      const double gray = (voxel(u, v) - lo) * scale;
      *image.pixel(x, y) = static_cast<std::uint8_t>(std::clamp(std::lround(gray), 0L, 255L));
    }
  }
  return image;
}

}  // namespace vigie::core
