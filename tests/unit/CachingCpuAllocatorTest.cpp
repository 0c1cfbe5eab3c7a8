// The CPU allocator that lets each sliding window reuse the previous window's
// memory: large freed blocks come back to the next request of their size,
// small ones and a full cache go back to the system.
#include <c10/core/CPUAllocator.h>
#include <gtest/gtest.h>

#include "../../inference/src/CachingCpuAllocator.h"

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

TEST(CachingCpuAllocator, BecomesLibTorchsCpuAllocatorOnce) {
  CachingCpuAllocator::install();
  CachingCpuAllocator::install();
  EXPECT_EQ(c10::GetCPUAllocator(), &CachingCpuAllocator::instance());
}
