#pragma once

// Internal to vigie_imaging: moving volumes between core::Volume and ITK
// images. Wrapping shares the voxels (no copy); taking an ITK image back copies
// once into the Volume that will own it.

#include <itkImage.h>
#include <itkImportImageFilter.h>

#include <cstring>

#include "vigie/core/Volume.h"

namespace vigie::imaging::internal {

/// The grid of `g` in ITK's terms: size, origin, spacing and direction
/// (ITK's direction matrix has the axis vectors as columns, as ours).
struct ItkGrid {
  itk::Size<3> size;
  double origin[3];
  double spacing[3];
  itk::Matrix<double, 3, 3> direction;

  explicit ItkGrid(const core::VolumeGeometry& g)
      : origin{g.origin.x, g.origin.y, g.origin.z}, spacing{g.spacing.x, g.spacing.y, g.spacing.z} {
    size[0] = g.size.i;
    size[1] = g.size.j;
    size[2] = g.size.k;
    for (int axis = 0; axis < 3; ++axis)
      for (int row = 0; row < 3; ++row) direction[row][axis] = g.direction[axis][row];
  }
};

/// An ITK image that wraps the volume's voxels without copying them. The
/// volume must outlive the image.
template <typename Voxel>
typename itk::Image<Voxel, 3>::Pointer wrapInItk(const core::Volume<Voxel>& volume) {
  using Importer = itk::ImportImageFilter<Voxel, 3>;
  auto importer = Importer::New();
  const ItkGrid grid(volume.geometry());
  typename Importer::IndexType start;
  start.Fill(0);
  importer->SetRegion(typename Importer::RegionType(start, grid.size));
  importer->SetOrigin(grid.origin);
  importer->SetSpacing(grid.spacing);
  importer->SetDirection(grid.direction);
  importer->SetImportPointer(const_cast<Voxel*>(volume.data()), volume.voxelCount(),
                             /*letImageContainerManageMemory=*/false);
  importer->Update();
  return importer->GetOutput();
}

/// The geometry of an ITK image, in core's terms.
template <typename Image>
core::VolumeGeometry geometryOfItk(const Image& image) {
  const auto region = image.GetLargestPossibleRegion().GetSize();
  const auto origin = image.GetOrigin();
  const auto spacing = image.GetSpacing();
  const auto direction = image.GetDirection();
  core::VolumeGeometry g;
  g.size = {region[0], region[1], region[2]};
  g.origin = {origin[0], origin[1], origin[2]};
  g.spacing = {spacing[0], spacing[1], spacing[2]};
  for (int axis = 0; axis < 3; ++axis)
    g.direction[axis] = {direction[0][axis], direction[1][axis], direction[2][axis]};
  return g;
}

/// A Volume holding a copy of the ITK image's voxels and its geometry.
template <typename Voxel>
core::Volume<Voxel> volumeFromItk(const itk::Image<Voxel, 3>& image) {
  core::Volume<Voxel> volume(geometryOfItk(image));
  std::memcpy(volume.data(), image.GetBufferPointer(), volume.voxelCount() * sizeof(Voxel));
  return volume;
}

}  // namespace vigie::imaging::internal
