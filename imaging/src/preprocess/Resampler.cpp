#include "vigie/imaging/preprocess/Resampler.h"

#include <itkIdentityTransform.h>
#include <itkImportImageFilter.h>
#include <itkLinearInterpolateImageFunction.h>
#include <itkResampleImageFilter.h>

#include <algorithm>
#include <cmath>
#include <cstring>

namespace vigie::imaging {
namespace {

using FloatImage = itk::Image<float, 3>;

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

/// An ITK image that wraps the volume's voxels without copying them.
template <typename Voxel>
typename itk::Image<Voxel, 3>::Pointer wrap(const core::Volume<Voxel>& volume) {
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

/// Linear resampling of `input` onto `target`, as floats.
template <typename Voxel>
core::Result<FloatImage::Pointer> resample(const core::Volume<Voxel>& input,
                                           const core::VolumeGeometry& target, double outside) {
  using InputImage = itk::Image<Voxel, 3>;
  using Filter = itk::ResampleImageFilter<InputImage, FloatImage>;
  try {
    auto filter = Filter::New();
    filter->SetInput(wrap(input));
    filter->SetTransform(itk::IdentityTransform<double, 3>::New());
    filter->SetInterpolator(itk::LinearInterpolateImageFunction<InputImage, double>::New());
    const ItkGrid grid(target);
    filter->SetSize(grid.size);
    filter->SetOutputOrigin(grid.origin);
    filter->SetOutputSpacing(grid.spacing);
    filter->SetOutputDirection(grid.direction);
    filter->SetDefaultPixelValue(static_cast<float>(outside));
    filter->Update();
    return FloatImage::Pointer(filter->GetOutput());
  } catch (const itk::ExceptionObject& e) {
    return core::makeError(core::ErrorCode::Internal,
                           std::string("resampling failed: ") + e.GetDescription());
  }
}

}  // namespace

core::Result<core::CtVolume> resampleToSpacing(const core::CtVolume& volume,
                                               const core::Vec3& spacingMm) {
  std::string why;
  if (!volume.geometry().isValid(&why))
    return core::makeError(core::ErrorCode::InvalidArgument, "cannot resample: " + why);
  if (!(spacingMm.x > 0 && spacingMm.y > 0 && spacingMm.z > 0)) {
    return core::makeError(core::ErrorCode::InvalidArgument,
                           "cannot resample to a non-positive spacing");
  }
  const auto& g = volume.geometry();
  core::VolumeGeometry target = g;
  target.spacing = spacingMm;
  auto count = [](std::size_t n, double from, double to) {
    return static_cast<std::size_t>(std::floor((n - 1) * from / to + 1e-6)) + 1;
  };
  target.size = {count(g.size.i, g.spacing.x, spacingMm.x),
                 count(g.size.j, g.spacing.y, spacingMm.y),
                 count(g.size.k, g.spacing.z, spacingMm.z)};
  auto image = resample(volume, target, -1024.0);
  if (!image.ok()) return image.error();
  core::CtVolume out(target);
  const float* source = image.value()->GetBufferPointer();
  for (std::size_t n = 0; n < out.voxelCount(); ++n) {
    out.data()[n] =
        static_cast<std::int16_t>(std::lround(std::clamp(source[n], -32768.0f, 32767.0f)));
  }
  return out;
}

core::Result<core::FloatVolume> resampleOnto(const core::FloatVolume& map,
                                             const core::VolumeGeometry& target) {
  std::string why;
  if (!map.geometry().isValid(&why) || !target.isValid(&why)) {
    return core::makeError(core::ErrorCode::InvalidArgument, "cannot resample: " + why);
  }
  auto image = resample(map, target, 0.0);
  if (!image.ok()) return image.error();
  core::FloatVolume out(target);
  std::memcpy(out.data(), image.value()->GetBufferPointer(), out.voxelCount() * sizeof(float));
  return out;
}

}  // namespace vigie::imaging
