#include "vigie/imaging/preprocess/Resampler.h"

#include "../itk/ItkVolume.h"

#include <itkIdentityTransform.h>
#include <itkLinearInterpolateImageFunction.h>
#include <itkResampleImageFilter.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <limits>
#include <optional>

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

/// The voxels of a target grid, inclusive first and last index per axis.
struct IndexRange {
  std::array<std::size_t, 3> first{};
  std::array<std::size_t, 3> last{};
};

/// The target voxels that a linear interpolator of `map` may reach: ITK's
/// reads a continuous index from -0.5 to n - 0.5 along each axis. The map's
/// corners there, carried into the target's index space, bound them (the
/// mapping is affine), with a voxel's margin for rounding; the voxels in the
/// margin that fall outside get the filter's default value. Empty when the
/// two grids do not meet.
std::optional<IndexRange> voxelsWithin(const core::VolumeGeometry& map,
                                       const core::VolumeGeometry& target) {
  const std::array<std::size_t, 3> mapSize{map.size.i, map.size.j, map.size.k};
  const std::array<std::size_t, 3> targetSize{target.size.i, target.size.j, target.size.k};
  std::array<double, 3> low{}, high{};
  low.fill(std::numeric_limits<double>::infinity());
  high.fill(-std::numeric_limits<double>::infinity());
  for (int corner = 0; corner < 8; ++corner) {
    core::Vec3 index;
    for (int axis = 0; axis < 3; ++axis)
      index[axis] = (corner >> axis) & 1 ? double(mapSize[axis]) - 0.5 : -0.5;
    const core::Vec3 at = target.physicalToIndex(map.indexToPhysical(index));
    for (int axis = 0; axis < 3; ++axis) {
      low[axis] = std::min(low[axis], at[axis]);
      high[axis] = std::max(high[axis], at[axis]);
    }
  }
  IndexRange range;
  for (int axis = 0; axis < 3; ++axis) {
    const double first = std::floor(low[axis]) - 1.0;
    const double last = std::ceil(high[axis]) + 1.0;
    if (last < 0.0 || first > double(targetSize[axis]) - 1.0) return std::nullopt;
    range.first[axis] = static_cast<std::size_t>(std::max(first, 0.0));
    range.last[axis] = static_cast<std::size_t>(std::min(last, double(targetSize[axis]) - 1.0));
  }
  return range;
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
  if (!target.isValid(&why))
    return core::makeError(core::ErrorCode::InvalidArgument, "cannot resample: " + why);
  core::FloatVolume out(target, 0.0f);
  if (auto done = resampleInto(map, out, Combine::Replace); !done.ok()) return done.error();
  return out;
}

core::Status resampleInto(const core::FloatVolume& map, core::FloatVolume& target,
                          Combine combine) {
  std::string why;
  if (!map.geometry().isValid(&why) || !target.geometry().isValid(&why)) {
    return core::makeError(core::ErrorCode::InvalidArgument, "cannot resample: " + why);
  }
  const auto box = voxelsWithin(map.geometry(), target.geometry());
  if (!box) return core::Status{};
  const core::VolumeSize& size = target.size();
  const std::size_t width = box->last[0] - box->first[0] + 1;
  const std::size_t height = box->last[1] - box->first[1] + 1;
  // About 16 M voxels (64 MB of floats) at a time, whole slices of the box.
  const std::size_t slab = std::max<std::size_t>(1, (std::size_t{1} << 24) / (width * height));
  for (std::size_t k0 = box->first[2]; k0 <= box->last[2]; k0 += slab) {
    const std::size_t depth = std::min(slab, box->last[2] - k0 + 1);
    core::VolumeGeometry part = target.geometry();
    part.size = {width, height, depth};
    part.origin = target.geometry().indexToPhysical(
        {double(box->first[0]), double(box->first[1]), double(k0)});
    // NaN marks the samples outside the map, so that they leave the voxel as it is.
    auto image = resample(map, part, std::numeric_limits<double>::quiet_NaN());
    if (!image.ok()) return image.error();
    const float* sample = image.value()->GetBufferPointer();
    for (std::size_t k = k0; k < k0 + depth; ++k) {
      for (std::size_t j = box->first[1]; j <= box->last[1]; ++j) {
        float* row = target.data() + (k * size.j + j) * size.i + box->first[0];
        for (std::size_t i = 0; i < width; ++i, ++sample) {
          if (std::isnan(*sample)) continue;
          row[i] = combine == Combine::Replace ? *sample : std::max(row[i], *sample);
        }
      }
    }
  }
  return core::Status{};
}

}  // namespace vigie::imaging
