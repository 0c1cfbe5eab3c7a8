#include "WindowTiling.h"

#include <algorithm>
#include <cmath>

namespace vigie::inference::internal {
namespace {

std::int64_t ceilDiv(std::int64_t value, std::int64_t divisor) {
  return (value + divisor - 1) / divisor;
}

/// The length of each of `count` windows covering `size` with neighbours
/// overlapping by at least `overlap` (all in blocks).
std::int64_t fittedLength(std::int64_t size, std::int64_t count, std::int64_t overlap) {
  if (count == 1) return size;
  return ceilDiv(size + (count - 1) * overlap, count);
}

/// `count` windows of `length` spread evenly from the start to the end; each
/// step is at most length - overlap when `length` came from fittedLength.
std::vector<std::int64_t> evenStarts(std::int64_t size, std::int64_t length, std::int64_t count) {
  if (count == 1 || length >= size) return {0};
  std::vector<std::int64_t> starts;
  for (std::int64_t k = 0; k < count; ++k) starts.push_back(k * (size - length) / (count - 1));
  return starts;
}

}  // namespace

std::vector<std::int64_t> steppedStarts(std::int64_t size, std::int64_t patch, double overlap) {
  std::vector<std::int64_t> starts;
  if (size <= patch) return {0};
  const std::int64_t stride = std::max<std::int64_t>(1, std::llround(patch * (1.0 - overlap)));
  for (std::int64_t s = 0; s + patch < size; s += stride) starts.push_back(s);
  starts.push_back(size - patch);
  return starts;
}

WindowTiling steppedTiling(const WindowShape& volume, const WindowShape& patch, double overlap) {
  WindowTiling tiling;
  tiling.window = patch;
  for (int axis = 0; axis < 3; ++axis)
    tiling.starts[axis] = steppedStarts(volume[axis], patch[axis], overlap);
  return tiling;
}

WindowTiling fittedTiling(const WindowShape& volume, std::int64_t context, std::int64_t multiple,
                          std::int64_t maxVoxels) {
  // In blocks of `multiple` voxels: every window starts on a block, so all
  // of them meet the network's pooling grid at the same phase, and the
  // heatmap is the one a single window over the whole volume would give
  // wherever the context reaches, however the volume is split.
  const std::int64_t block = std::max<std::int64_t>(1, multiple);
  const std::int64_t overlap = ceilDiv(2 * std::max<std::int64_t>(0, context), block);
  const std::int64_t shortest = std::max<std::int64_t>(1, 2 * overlap);
  // Along each axis, the window lengths of 1, 2, ... windows, while splitting
  // shortens them and they stay longer than `shortest`.
  std::array<std::int64_t, 3> blocks{};
  std::array<std::vector<std::int64_t>, 3> lengths;
  for (int axis = 0; axis < 3; ++axis) {
    blocks[axis] = ceilDiv(std::max<std::int64_t>(1, volume[axis]), block);
    lengths[axis].push_back(blocks[axis]);
    for (std::int64_t count = 2;; ++count) {
      const std::int64_t length = fittedLength(blocks[axis], count, overlap);
      if (length >= lengths[axis].back() || length <= shortest) break;
      lengths[axis].push_back(length);
    }
  }
  // Of the splits whose window fits maxVoxels, the one that reads the fewest
  // voxels in all (then the fewest windows); when none fits, the smallest
  // window. A few hundred combinations at most.
  std::array<std::size_t, 3> best{0, 0, 0};
  bool bestFits = false;
  std::int64_t bestRead = 0, bestWindows = 0, bestVoxels = 0;
  for (std::size_t z = 0; z < lengths[0].size(); ++z)
    for (std::size_t y = 0; y < lengths[1].size(); ++y)
      for (std::size_t x = 0; x < lengths[2].size(); ++x) {
        const std::int64_t voxels =
            lengths[0][z] * lengths[1][y] * lengths[2][x] * block * block * block;
        const std::int64_t windows = std::int64_t((z + 1) * (y + 1) * (x + 1));
        const std::int64_t read = voxels * windows;
        const bool fits = voxels <= maxVoxels;
        const bool better =
            fits ? !bestFits || read < bestRead || (read == bestRead && windows < bestWindows)
                 : !bestFits && (bestVoxels == 0 || voxels < bestVoxels);
        if (!better) continue;
        best = {z, y, x};
        bestFits = fits;
        bestRead = read;
        bestWindows = windows;
        bestVoxels = voxels;
      }
  WindowTiling tiling;
  // Neighbours overlap by at least 2 x context, so a voxel near one's trimmed
  // face lies at least context inside the other.
  tiling.trimmed = std::max<std::int64_t>(0, context);
  for (int axis = 0; axis < 3; ++axis) {
    const std::int64_t length = lengths[axis][best[axis]];
    tiling.window[axis] = length * block;
    for (std::int64_t start : evenStarts(blocks[axis], length, std::int64_t(best[axis]) + 1))
      tiling.starts[axis].push_back(start * block);
  }
  return tiling;
}

}  // namespace vigie::inference::internal
