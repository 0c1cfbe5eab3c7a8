#pragma once

// Internal: where a CT heatmap's sliding windows lie. Torch-free, so that it
// is tested alone.

#include <array>
#include <cstdint>
#include <vector>

#include "WindowBudget.h"

namespace vigie::inference::internal {

/// One window shape and, along each axis, where its windows start: every
/// voxel of the volume lies in at least one window.
struct WindowTiling {
  WindowShape window{};                               ///< voxels along each axis
  std::array<std::vector<std::int64_t>, 3> starts{};  ///< per axis, in the volume's voxels
  /// Fitted windows: the voxels next to a face that meets a neighbour (not
  /// the volume's edge) that a window's answer is not taken from, because
  /// the window's border is inside the network's receptive field there; 0
  /// for stepped windows, which are blended instead.
  std::int64_t trimmed = 0;
  /// The voxels along `axis` of the window at `index` among that axis's
  /// starts whose answer is kept: [first, last) in window coordinates.
  std::array<std::int64_t, 2> kept(int axis, std::size_t index) const {
    const bool before = index > 0, after = index + 1 < starts[axis].size();
    return {before ? trimmed : 0, window[axis] - (after ? trimmed : 0)};
  }
  std::int64_t count() const {
    return std::int64_t(starts[0].size() * starts[1].size() * starts[2].size());
  }
};

/// Windows of `patch` voxels stepped by patch x (1 - overlap), the last flush
/// with the end; one at 0 when the axis is no longer than a window.
std::vector<std::int64_t> steppedStarts(std::int64_t size, std::int64_t patch, double overlap);

/// Fixed windows: `patch` on every axis, stepped as above; a window may be
/// longer than a short axis, which the caller pads.
WindowTiling steppedTiling(const WindowShape& volume, const WindowShape& patch, double overlap);

/// Windows fitted to the volume. A fully convolutional network gives a voxel
/// the same answer in any window that holds its receptive field at the same
/// phase of its pooling grid, so windows need overlap only by that much, not
/// by a share of their size. Along each axis, windows of one length start on
/// multiples of `multiple` and overlap their neighbours by at least
/// 2 x `context` voxels, so every voxel lies at least `context` voxels inside
/// a window or at the volume's own edge; the last window may end up to
/// `multiple` - 1 voxels past the volume, which the caller pads. Of the ways
/// to split the axes whose window holds at most `maxVoxels`, the one that
/// reads the fewest voxels in all; a window is not split below 4 x `context`
/// (past that it is returned larger than asked). Each window's answer is
/// kept `context` voxels away from the faces it shares with a neighbour
/// (`trimmed`): with `context` at least half the receptive field, the
/// heatmap is then the same, voxel for voxel, whatever `maxVoxels`.
WindowTiling fittedTiling(const WindowShape& volume, std::int64_t context, std::int64_t multiple,
                          std::int64_t maxVoxels);

}  // namespace vigie::inference::internal
