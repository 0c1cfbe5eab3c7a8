#pragma once

#include <vtkImageData.h>
#include <vtkPointData.h>
#include <vtkSmartPointer.h>

#include "vigie/core/Volume.h"

namespace vigie::app {

/// VTK image data over a volume's voxels, without copying them: the caller
/// keeps the volume alive for as long as VTK may read the image. Origin and
/// spacing as the volume's; VTK draws it along the index axes.
/// `ArrayType` is the VTK array matching Voxel (vtkShortArray, vtkFloatArray).
template <typename ArrayType, typename Voxel>
vtkSmartPointer<vtkImageData> wrapVolume(const core::Volume<Voxel>& volume) {
  const auto& g = volume.geometry();
  auto scalars = vtkSmartPointer<ArrayType>::New();
  // `1`: VTK does not own (and must not free) the voxels.
  scalars->SetArray(const_cast<Voxel*>(volume.data()), static_cast<vtkIdType>(volume.voxelCount()),
                    1);
  auto image = vtkSmartPointer<vtkImageData>::New();
  image->SetDimensions(static_cast<int>(g.size.i), static_cast<int>(g.size.j),
                       static_cast<int>(g.size.k));
  image->SetSpacing(g.spacing.x, g.spacing.y, g.spacing.z);
  image->SetOrigin(g.origin.x, g.origin.y, g.origin.z);
  image->GetPointData()->SetScalars(scalars);
  return image;
}

/// A 2x2x2 image of one value, owned by VTK: what an empty view draws, so
/// that its first paint compiles the shaders a real image will use.
template <typename ArrayType>
vtkSmartPointer<vtkImageData> blankImage(double value) {
  auto scalars = vtkSmartPointer<ArrayType>::New();
  scalars->SetNumberOfTuples(8);
  scalars->Fill(value);
  auto image = vtkSmartPointer<vtkImageData>::New();
  image->SetDimensions(2, 2, 2);
  image->GetPointData()->SetScalars(scalars);
  return image;
}

}  // namespace vigie::app
