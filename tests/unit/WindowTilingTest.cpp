// Where a CT heatmap's sliding windows lie: fixed windows stepped by a share
// of their size, or windows fitted to the volume that overlap only by what the
// network's receptive field needs.
#include <gtest/gtest.h>

#include <algorithm>

#include "../../inference/src/WindowTiling.h"

using vigie::inference::internal::fittedTiling;
using vigie::inference::internal::steppedTiling;
using vigie::inference::internal::WindowShape;
using vigie::inference::internal::WindowTiling;

namespace {

/// Whether, along `axis`, every voxel of `size` is kept by some window at
/// least `context` voxels inside it, or at the volume's own edge.
::testing::AssertionResult keepsEveryVoxelWithContext(const WindowTiling& t, int axis,
                                                      std::int64_t size, std::int64_t context) {
  for (std::int64_t v = 0; v < size; ++v) {
    bool kept = false;
    for (std::size_t n = 0; n < t.starts[axis].size() && !kept; ++n) {
      const auto range = t.kept(axis, n);
      const std::int64_t first = t.starts[axis][n] + range[0], last = t.starts[axis][n] + range[1];
      if (v < first || v >= last) continue;
      const bool insideStart = n == 0 || v - t.starts[axis][n] >= context;
      const bool insideEnd =
          n + 1 == t.starts[axis].size() || t.starts[axis][n] + t.window[axis] - 1 - v >= context;
      kept = insideStart && insideEnd;
    }
    if (!kept) return ::testing::AssertionFailure() << "axis " << axis << " voxel " << v;
  }
  return ::testing::AssertionSuccess();
}

}  // namespace

TEST(WindowTiling, StepsFixedWindowsAsBefore) {
  // 144-voxel windows overlapping by half over a 196 x 176 x 245 box.
  const WindowTiling t = steppedTiling({245, 176, 196}, {144, 144, 144}, 0.5);
  EXPECT_EQ(t.starts[0], (std::vector<std::int64_t>{0, 72, 101}));
  EXPECT_EQ(t.starts[1], (std::vector<std::int64_t>{0, 32}));
  EXPECT_EQ(t.starts[2], (std::vector<std::int64_t>{0, 52}));
  EXPECT_EQ(t.count(), 12);
  EXPECT_EQ(t.trimmed, 0);  // blended, not trimmed
  // A short axis: one window, longer than the axis (the caller pads).
  EXPECT_EQ(steppedTiling({40, 200, 200}, {144, 144, 144}, 0.5).starts[0],
            (std::vector<std::int64_t>{0}));
}

TEST(WindowTiling, FitsOneWindowToAVolumeThatFitsTheBudget) {
  const WindowTiling t = fittedTiling({245, 176, 196}, 36, 4, 16 << 20);
  EXPECT_EQ(t.window, (WindowShape{248, 176, 196}));  // rounded up to the multiple of 4
  EXPECT_EQ(t.count(), 1);
  for (int axis = 0; axis < 3; ++axis)
    EXPECT_EQ(t.kept(axis, 0), (std::array<std::int64_t, 2>{0, t.window[axis]}));
}

TEST(WindowTiling, SplitsALargeVolumeIntoTheFewestVoxelsReadWithinTheBudget) {
  const WindowShape volume{339, 244, 271};  // a pass at 0.9 mm over a phantom's lungs
  const std::int64_t maxVoxels = 6291456, context = 36;
  const WindowTiling t = fittedTiling(volume, context, 4, maxVoxels);
  EXPECT_LE(t.window[0] * t.window[1] * t.window[2], maxVoxels);
  std::int64_t read = t.count() * t.window[0] * t.window[1] * t.window[2];
  // Far fewer than 144^3 windows overlapping by half would read (50 of them).
  EXPECT_LT(read, 50 * 144 * 144 * 144 / 2);
  EXPECT_GE(read, volume[0] * volume[1] * volume[2]);
  for (int axis = 0; axis < 3; ++axis) {
    EXPECT_EQ(t.window[axis] % 4, 0) << axis;
    for (std::int64_t start : t.starts[axis]) EXPECT_EQ(start % 4, 0) << axis;
    EXPECT_EQ(t.starts[axis].front(), 0);
    // The last window reaches the end, at most 3 voxels past it.
    const std::int64_t end = t.starts[axis].back() + t.window[axis];
    EXPECT_GE(end, volume[axis]);
    EXPECT_LT(end, volume[axis] + 4);
    for (std::size_t n = 1; n < t.starts[axis].size(); ++n)
      EXPECT_GE(t.starts[axis][n - 1] + t.window[axis] - t.starts[axis][n], 2 * context);
    EXPECT_TRUE(keepsEveryVoxelWithContext(t, axis, volume[axis], context));
  }
}

TEST(WindowTiling, KeepsEveryVoxelWithItsContextWhateverTheBudget) {
  for (std::int64_t maxVoxels : {262144LL, 1000000LL, 4000000LL, 20000000LL}) {
    for (const WindowShape volume : {WindowShape{101, 333, 97}, WindowShape{500, 64, 300}}) {
      const WindowTiling t = fittedTiling(volume, 20, 8, maxVoxels);
      EXPECT_EQ(t.trimmed, 20);
      for (int axis = 0; axis < 3; ++axis)
        EXPECT_TRUE(keepsEveryVoxelWithContext(t, axis, volume[axis], 20)) << maxVoxels;
    }
  }
}

TEST(WindowTiling, StopsSplittingWhereWindowsWouldBeMostlyOverlap) {
  // A budget no window longer than 4 x context can meet: the smallest window
  // there is, larger than asked.
  const WindowTiling t = fittedTiling({400, 400, 400}, 36, 4, 1000);
  for (int axis = 0; axis < 3; ++axis) EXPECT_GT(t.window[axis], 4 * 36) << axis;
  EXPECT_GT(t.window[0] * t.window[1] * t.window[2], 1000);
  EXPECT_GT(t.count(), 1);
}
