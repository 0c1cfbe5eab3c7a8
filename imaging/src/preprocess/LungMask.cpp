#include "vigie/imaging/preprocess/LungMask.h"

#include <itkBinaryBallStructuringElement.h>
#include <itkBinaryDilateImageFilter.h>
#include <itkBinaryFillholeImageFilter.h>
#include <itkBinaryMorphologicalClosingImageFilter.h>
#include <itkBinaryThresholdImageFilter.h>
#include <itkConnectedComponentImageFilter.h>
#include <itkRelabelComponentImageFilter.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <set>

#include "../itk/ItkVolume.h"
#include "CentralAirway.h"
#include "vigie/imaging/preprocess/Resampler.h"

namespace vigie::imaging {
namespace {

using CtImage = itk::Image<std::int16_t, 3>;
using MaskImage = itk::Image<std::uint8_t, 3>;
using LabelImage = itk::Image<std::uint32_t, 3>;
using Ball = itk::BinaryBallStructuringElement<std::uint8_t, 3>;

Ball ballOfRadius(double radiusMm, const MaskImage::SpacingType& spacing) {
  Ball ball;
  Ball::SizeType radius;
  for (unsigned axis = 0; axis < 3; ++axis)
    radius[axis] =
        static_cast<Ball::SizeValueType>(std::max(1.0, std::round(radiusMm / spacing[axis])));
  ball.SetRadius(radius);
  ball.CreateStructuringElement();
  return ball;
}

/// Labels of the components that reach the volume's sides (i or j borders):
/// the air around the patient. The top and bottom slices are not sides, since
/// a chest CT cuts through the lungs there.
std::set<std::uint32_t> labelsOnTheSides(const LabelImage& labels) {
  std::set<std::uint32_t> outside;
  const auto size = labels.GetLargestPossibleRegion().GetSize();
  const std::uint32_t* data = labels.GetBufferPointer();
  for (std::size_t k = 0; k < size[2]; ++k)
    for (std::size_t j = 0; j < size[1]; ++j)
      for (std::size_t i = 0; i < size[0]; ++i) {
        const bool side = i == 0 || j == 0 || i + 1 == size[0] || j + 1 == size[1];
        if (!side) continue;
        const std::uint32_t label = data[(k * size[1] + j) * size[0] + i];
        if (label) outside.insert(label);
      }
  return outside;
}

}  // namespace

core::Result<LungMask> LungMask::segment(const core::CtVolume& ct, const LungMaskOptions& options) {
  const double step = options.gridSpacingMm;
  auto coarse = resampleToSpacing(ct, {step, step, step});
  if (!coarse.ok()) return coarse.error();
  try {
    auto threshold = itk::BinaryThresholdImageFilter<CtImage, MaskImage>::New();
    threshold->SetInput(internal::wrapInItk(coarse.value()));
    threshold->SetLowerThreshold(-32768);
    threshold->SetUpperThreshold(static_cast<std::int16_t>(options.airThresholdHu));
    threshold->SetInsideValue(1);
    threshold->SetOutsideValue(0);

    auto components = itk::ConnectedComponentImageFilter<MaskImage, LabelImage>::New();
    components->SetInput(threshold->GetOutput());
    components->FullyConnectedOff();
    auto relabel = itk::RelabelComponentImageFilter<LabelImage, LabelImage>::New();
    relabel->SetInput(components->GetOutput());
    relabel->Update();  // labels now run from the largest component down

    const LabelImage& labels = *relabel->GetOutput();
    const std::set<std::uint32_t> outside = labelsOnTheSides(labels);
    const double voxelMl = step * step * step / 1000.0;
    // The lungs: the two largest air components inside the body, each of lung
    // size (they may also be one, joined at the carina).
    std::set<std::uint32_t> lungs;
    const auto& sizes = relabel->GetSizeOfObjectsInPixels();
    for (std::size_t n = 0; n < sizes.size() && lungs.size() < 2; ++n) {
      const auto label = static_cast<std::uint32_t>(n + 1);
      if (outside.count(label)) continue;
      if (sizes[n] * voxelMl < options.minLungMl) break;  // sorted: the rest are smaller
      lungs.insert(label);
    }
    if (lungs.empty())
      return core::makeError(core::ErrorCode::InvalidArgument,
                             "no lung-sized air region inside the body (is this a chest CT?)");

    core::Volume<std::uint8_t> lungAir(coarse.value().geometry(), std::uint8_t{0});
    const std::uint32_t* label = labels.GetBufferPointer();
    for (std::size_t n = 0; n < lungAir.voxelCount(); ++n)
      lungAir.data()[n] = lungs.count(label[n]) ? 1 : 0;
    if (options.leaveOutCentralAirway) internal::removeCentralAirway(lungAir, coarse.value());
    auto mask = internal::wrapInItk(lungAir);

    // Closing takes in what the lung wraps around (vessels, wall-attached
    // nodules); filling takes in what it encloses; dilation adds the margin.
    auto closing = itk::BinaryMorphologicalClosingImageFilter<MaskImage, MaskImage, Ball>::New();
    closing->SetInput(mask);
    closing->SetKernel(ballOfRadius(options.closingRadiusMm, mask->GetSpacing()));
    closing->SetForegroundValue(1);
    auto fill = itk::BinaryFillholeImageFilter<MaskImage>::New();
    fill->SetInput(closing->GetOutput());
    fill->SetForegroundValue(1);
    fill->FullyConnectedOn();
    auto dilate = itk::BinaryDilateImageFilter<MaskImage, MaskImage, Ball>::New();
    dilate->SetInput(fill->GetOutput());
    dilate->SetKernel(ballOfRadius(options.marginMm, mask->GetSpacing()));
    dilate->SetForegroundValue(1);
    dilate->Update();
    return LungMask(internal::volumeFromItk(*dilate->GetOutput()));
  } catch (const itk::ExceptionObject& e) {
    return core::makeError(core::ErrorCode::Internal,
                           std::string("lung segmentation failed: ") + e.GetDescription());
  }
}

bool LungMask::contains(const core::Vec3& pointMm) const {
  const core::Vec3 index = mask_.geometry().physicalToIndex(pointMm);
  const auto& size = mask_.size();
  const long i = std::lround(index.x), j = std::lround(index.y), k = std::lround(index.z);
  if (i < 0 || j < 0 || k < 0 || i >= static_cast<long>(size.i) || j >= static_cast<long>(size.j) ||
      k >= static_cast<long>(size.k))
    return false;
  return mask_.at(static_cast<std::size_t>(i), static_cast<std::size_t>(j),
                  static_cast<std::size_t>(k)) != 0;
}

std::optional<IndexBox> LungMask::boxIn(const core::VolumeGeometry& grid, double marginMm) const {
  const auto& size = mask_.size();
  std::array<std::size_t, 3> first{size.i, size.j, size.k}, last{0, 0, 0};
  bool any = false;
  for (std::size_t k = 0; k < size.k; ++k)
    for (std::size_t j = 0; j < size.j; ++j)
      for (std::size_t i = 0; i < size.i; ++i) {
        if (!mask_.at(i, j, k)) continue;
        any = true;
        const std::array<std::size_t, 3> at{i, j, k};
        for (int a = 0; a < 3; ++a) {
          first[a] = std::min(first[a], at[a]);
          last[a] = std::max(last[a], at[a]);
        }
      }
  if (!any) return std::nullopt;
  // The mask's box, half a coarse voxel and the margin beyond its outer
  // voxels' centres, goes through its eight corners into the grid's indices:
  // the two grids need not share axes.
  const core::Vec3 half = mask_.geometry().spacing * 0.5;
  std::array<double, 3> lo{1e300, 1e300, 1e300}, hi{-1e300, -1e300, -1e300};
  for (int corner = 0; corner < 8; ++corner) {
    core::Vec3 index;
    for (int a = 0; a < 3; ++a) {
      const bool upper = (corner >> a) & 1;
      const double grow = (half[a] + marginMm) / mask_.geometry().spacing[a];
      index[a] = upper ? double(last[a]) + grow : double(first[a]) - grow;
    }
    const core::Vec3 inGrid = grid.physicalToIndex(mask_.geometry().indexToPhysical(index));
    for (int a = 0; a < 3; ++a) {
      lo[a] = std::min(lo[a], inGrid[a]);
      hi[a] = std::max(hi[a], inGrid[a]);
    }
  }
  const std::array<std::size_t, 3> extent{grid.size.i, grid.size.j, grid.size.k};
  IndexBox box;
  for (int a = 0; a < 3; ++a) {
    const double from = std::max(0.0, std::floor(lo[a]));
    const double to = std::min(double(extent[a]) - 1.0, std::ceil(hi[a]));
    if (from > to) return std::nullopt;
    box.first[a] = static_cast<std::size_t>(from);
    box.last[a] = static_cast<std::size_t>(to);
  }
  return box;
}

double LungMask::volumeMl() const {
  const auto inside = std::count(mask_.data(), mask_.data() + mask_.voxelCount(), std::uint8_t{1});
  return static_cast<double>(inside) * mask_.geometry().voxelVolume() / 1000.0;
}

}  // namespace vigie::imaging
