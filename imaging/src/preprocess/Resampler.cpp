#include "vigie/imaging/preprocess/Resampler.h"

#include "../itk/ItkVolume.h"

#include <itkIdentityTransform.h>
#include <itkLinearInterpolateImageFunction.h>
#include <itkResampleImageFilter.h>

#include <algorithm>
#include <cmath>
#include <cstring>

namespace vigie::imaging {
namespace {

using FloatImage = itk::Image<float, 3>;

/// Linear resampling of `input` onto `target`, as floats.
template <typename Voxel>
core::Result<FloatImage::Pointer> resample(const core::Volume<Voxel>& input,
                                           const core::VolumeGeometry& target, double outside) {
  using InputImage = itk::Image<Voxel, 3>;
  using Filter = itk::ResampleImageFilter<InputImage, FloatImage>;
  try {
    auto filter = Filter::New();
    filter->SetInput(internal::wrapInItk(input));
    filter->SetTransform(itk::IdentityTransform<double, 3>::New());
    filter->SetInterpolator(itk::LinearInterpolateImageFunction<InputImage, double>::New());
    const internal::ItkGrid grid(target);
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
