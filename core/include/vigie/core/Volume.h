#pragma once

#include <cstdint>
#include <memory>
#include <vector>

#include "vigie/core/VolumeGeometry.h"
#include "vigie/core/VoxelAllocator.h"

namespace vigie::core {

/// Tag: make a Volume whose voxels the caller will all overwrite.
struct Uninitialized {};

/// One contiguous voxel buffer plus its geometry. Index order is i fastest,
/// then j, then k (x-major, as DICOM rows and ITK/VTK buffers are laid out),
/// so VTK image data, ITK images and torch tensors can wrap `data()` directly.
///
/// Volumes are moved, not copied, in normal use (a chest CT is hundreds of MB);
/// copying is possible but explicit through clone().
template <typename Voxel>
class Volume {
 public:
  Volume() = default;
  explicit Volume(const VolumeGeometry& geometry, Voxel fill = Voxel{})
      : geometry_(geometry), voxels_(geometry.size.voxelCount(), fill) {}
  /// Voxels left unset, for a producer that writes every one of them (a
  /// loader): no time spent zeroing memory that is overwritten next.
  Volume(const VolumeGeometry& geometry, Uninitialized)
      : geometry_(geometry), voxels_(geometry.size.voxelCount()) {}

  Volume(Volume&&) noexcept = default;
  Volume& operator=(Volume&&) noexcept = default;
  Volume(const Volume&) = delete;
  Volume& operator=(const Volume&) = delete;

  Volume clone() const {
    Volume copy;
    copy.geometry_ = geometry_;
    copy.voxels_ = voxels_;
    return copy;
  }

  const VolumeGeometry& geometry() const { return geometry_; }
  const VolumeSize& size() const { return geometry_.size; }
  bool empty() const { return voxels_.empty(); }

  Voxel* data() { return voxels_.data(); }
  const Voxel* data() const { return voxels_.data(); }
  std::size_t voxelCount() const { return voxels_.size(); }

  std::size_t offset(std::size_t i, std::size_t j, std::size_t k) const {
    return (k * geometry_.size.j + j) * geometry_.size.i + i;
  }
  Voxel& at(std::size_t i, std::size_t j, std::size_t k) { return voxels_[offset(i, j, k)]; }
  const Voxel& at(std::size_t i, std::size_t j, std::size_t k) const {
    return voxels_[offset(i, j, k)];
  }

  /// Pointer to the first voxel of axial slice k (i*j voxels follow).
  Voxel* slice(std::size_t k) { return voxels_.data() + offset(0, 0, k); }
  const Voxel* slice(std::size_t k) const { return voxels_.data() + offset(0, 0, k); }

 private:
  VolumeGeometry geometry_;
  std::vector<Voxel, VoxelAllocator<Voxel>> voxels_;
};

/// CT intensities in Hounsfield units (HU), rescale already applied.
using CtVolume = Volume<std::int16_t>;
/// Per-voxel probabilities or other real-valued maps (e.g. a model heatmap).
using FloatVolume = Volume<float>;

}  // namespace vigie::core
