// The CPU allocator that lets each sliding window reuse the previous window's
// memory: large freed blocks come back to the next request of their size,
// small ones and a full cache go back to the system.
#include <c10/core/CPUAllocator.h>
#include <gtest/gtest.h>

#include <filesystem>

#include "../../inference/src/CachingCpuAllocator.h"
#include "../../inference/src/WindowBudget.h"

using vigie::inference::internal::CachingCpuAllocator;

TEST(CachingCpuAllocator, HandsAFreedLargeBlockToTheNextRequestOfItsSize) {
  CachingCpuAllocator& allocator = CachingCpuAllocator::instance();
  allocator.releaseCached();
  const std::size_t reusedBefore = allocator.reused();
  void* first = nullptr;
  {
    auto block = allocator.allocate(3 << 20);
    first = block.get();
    ASSERT_NE(first, nullptr);
    EXPECT_EQ(reinterpret_cast<std::uintptr_t>(first) % 64, 0u);  // as c10's own allocator
    static_cast<char*>(first)[(3 << 20) - 1] = 1;                 // the whole block is usable
  }
  EXPECT_GE(allocator.cachedBytes(), std::size_t{3} << 20);
  {
    // A little smaller still fits (within a quarter): the same block again.
    auto again = allocator.allocate((3 << 20) - 100000);
    EXPECT_EQ(again.get(), first);
    EXPECT_EQ(allocator.reused(), reusedBefore + 1);
    EXPECT_EQ(allocator.cachedBytes(), 0u);
    // Far larger does not fit: a new block, while the first is in use anyway.
    auto larger = allocator.allocate(8 << 20);
    EXPECT_NE(larger.get(), first);
  }
  EXPECT_GE(allocator.cachedBytes(), std::size_t{11} << 20);
  allocator.releaseCached();
  EXPECT_EQ(allocator.cachedBytes(), 0u);
  {
    auto small = allocator.allocate(1000);  // small blocks are never kept
    ASSERT_NE(small.get(), nullptr);
  }
  EXPECT_EQ(allocator.cachedBytes(), 0u);
}

TEST(CachingCpuAllocator, CountsTheLargeBlocksLiveTensorsHoldAndTheirPeak) {
  CachingCpuAllocator& allocator = CachingCpuAllocator::instance();
  allocator.releaseCached();  // every block new, of exactly the size asked
  const std::size_t before = allocator.liveBytes();
  allocator.resetPeak();
  {
    auto a = allocator.allocate(4 << 20);
    {
      auto b = allocator.allocate(2 << 20);
      EXPECT_EQ(allocator.liveBytes(), before + (6 << 20));
    }
    EXPECT_EQ(allocator.liveBytes(), before + (4 << 20));  // b is back (kept, not live)
    auto small = allocator.allocate(1000);                 // small blocks are not counted
    EXPECT_EQ(allocator.liveBytes(), before + (4 << 20));
  }
  EXPECT_EQ(allocator.liveBytes(), before);
  EXPECT_EQ(allocator.peakLiveBytes(), before + (6 << 20));
  allocator.resetPeak();
  EXPECT_EQ(allocator.peakLiveBytes(), before);
}

TEST(CachingCpuAllocator, LaysLargeBlocksOnWholeHugePagesUnlessToldNotTo) {
  CachingCpuAllocator& allocator = CachingCpuAllocator::instance();
  allocator.releaseCached();
  ASSERT_TRUE(allocator.hugePages());  // the default
  constexpr std::size_t kHuge = std::size_t{2} << 20;
  const std::size_t asked = CachingCpuAllocator::kMinHugePageBytes + 100;
  const std::size_t before = allocator.liveBytes();
  const std::size_t advisedBefore = allocator.hugePageBlocks();
  {
    auto block = allocator.allocate(asked);
    ASSERT_NE(block.get(), nullptr);
    EXPECT_EQ(reinterpret_cast<std::uintptr_t>(block.get()) % kHuge, 0u);
    static_cast<char*>(block.get())[asked - 1] = 1;
    // Whole huge pages: 8 MiB and 100 bytes take five of them.
    EXPECT_EQ(allocator.liveBytes(), before + 5 * kHuge);
    // A kernel built with transparent huge pages takes the advice, whatever
    // its policy; one without them leaves the block on small pages.
    if (std::filesystem::exists("/sys/kernel/mm/transparent_hugepage/enabled")) {
      EXPECT_EQ(allocator.hugePageBlocks(), advisedBefore + 1);
    }
    // A block under the bound stays on small pages, of the size asked.
    auto smaller = allocator.allocate(3 << 20);
    EXPECT_EQ(allocator.liveBytes(), before + 5 * kHuge + (3 << 20));
  }
  allocator.releaseCached();
  allocator.setHugePages(false);  // VIGIE_CPU_ALLOCATOR=small-pages
  const std::size_t advised = allocator.hugePageBlocks();
  {
    auto block = allocator.allocate(asked);
    EXPECT_EQ(allocator.liveBytes(), before + (asked + 63) / 64 * 64);  // no rounding
    EXPECT_EQ(allocator.hugePageBlocks(), advised);                     // no advice
  }
  allocator.setHugePages(true);
  allocator.releaseCached();
}

TEST(WindowBudget, ShrinksTheLongestAxisFirstAndKeepsWindowsOnTheStride) {
  using vigie::inference::internal::capWindow;
  using Shape = vigie::inference::internal::WindowShape;
  // The lung bundle's window, divisor 16 x 16 x 8, overlap 0.25.
  const Shape full{512, 512, 192};
  EXPECT_EQ(capWindow(full, {16, 16, 8}, 0.25, 512 * 512 * 192), full);  // fits: unchanged
  const Shape capped = capWindow(full, {16, 16, 8}, 0.25, 256 * 256 * 192);
  EXPECT_EQ(capped, (Shape{256, 256, 192}));
  const Shape small = capWindow(full, {16, 16, 8}, 0.25, 128 * 128 * 96);
  EXPECT_LE(small[0] * small[1] * small[2], 128 * 128 * 96);
  for (int a = 0; a < 3; ++a) {
    const int d = a == 2 ? 8 : 16;
    EXPECT_EQ(small[a] % d, 0) << a;
    EXPECT_EQ(static_cast<std::int64_t>(small[a] * 0.75) % d, 0) << a;  // MONAI's interval
  }
  // Never below the floor: past it the window stays larger than asked.
  const Shape floor = capWindow(full, {16, 16, 8}, 0.25, 1000, 64);
  EXPECT_EQ(floor, (Shape{64, 64, 64}));
  // An axis already under the floor keeps its size.
  EXPECT_EQ(capWindow(Shape{512, 512, 48}, {16, 16, 8}, 0.25, 64 * 64 * 48, 64),
            (Shape{64, 64, 48}));
}

TEST(WindowBudget, KnowsWhatMemoryTheSystemHas) {
  const auto available = vigie::inference::internal::availableMemoryBytes();
  ASSERT_TRUE(available.has_value());
  EXPECT_GT(*available, std::size_t{64} << 20);
}

TEST(CachingCpuAllocator, BecomesLibTorchsCpuAllocatorOnce) {
  CachingCpuAllocator::install();
  CachingCpuAllocator::install();
  EXPECT_EQ(c10::GetCPUAllocator(), &CachingCpuAllocator::instance());
}
