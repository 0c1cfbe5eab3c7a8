// Why: LibTorch allocates every sliding window's activations afresh, hundreds
// of megabytes a window. glibc serves blocks that large with mmap and returns
// them with munmap when freed, so the next window faults every page in again:
// 15 million minor page faults (60 GB touched anew) for one 512x512x300 scan,
// most of the run spent in the kernel on a virtual machine (issue 15). Keeping
// the freed blocks and handing them to the next window's identical requests
// touches each page once per process instead of once per window.
//
// Fitted windows change shape from one pass to the next, so a run still
// releases what it kept between passes and faults the next pass's blocks in:
// a million faults (4 GB) for one phantom, a fifth of its time in the kernel
// on a virtual machine. Large blocks are therefore laid on 2 MiB boundaries
// and offered to the kernel's transparent huge pages, where one fault maps
// 2 MiB instead of 4 KiB (and the network's loops miss the TLB less).
#include "CachingCpuAllocator.h"

#include <c10/core/CPUAllocator.h>
#include <sys/mman.h>

#include <algorithm>
#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <new>
#include <string>

namespace vigie::inference::internal {
namespace {

constexpr std::size_t kAlignment = 64;  // as c10's default CPU allocator: AVX-512 loads
constexpr std::size_t kHugePageBytes = std::size_t{2} << 20;

std::atomic<bool> gInstalled{false};

std::size_t roundedUp(std::size_t bytes, std::size_t multiple) {
  return (bytes + multiple - 1) / multiple * multiple;
}

}  // namespace

CachingCpuAllocator& CachingCpuAllocator::instance() {
  static auto* allocator = new CachingCpuAllocator();  // leaked on purpose: see the header
  return *allocator;
}

void CachingCpuAllocator::install() {
  static std::once_flag once;
  // Priority above the default's 0, so a later library cannot quietly put it back.
  std::call_once(once, [] {
    // VIGIE_CPU_ALLOCATOR=system keeps LibTorch's own: the baseline that
    // benchmarks measure this allocator against, in the same build.
    // VIGIE_CPU_ALLOCATOR=small-pages keeps this one on 4 KiB pages: the
    // baseline for the huge pages.
    const char* variable = std::getenv("VIGIE_CPU_ALLOCATOR");
    const std::string choice = variable ? variable : "";
    if (choice == "system") return;
    if (choice == "small-pages") instance().setHugePages(false);
    // A misspelt baseline would otherwise be measured as the default, unseen.
    if (!choice.empty() && choice != "small-pages")
      std::fprintf(stderr,
                   "VIGIE_CPU_ALLOCATOR=%s: not a choice (system or small-pages); Vigie's caching "
                   "allocator on huge pages is used\n",
                   choice.c_str());
    c10::SetCPUAllocator(&instance(), /*priority=*/1);
    gInstalled = true;
  });
}

bool CachingCpuAllocator::installed() { return gInstalled; }

void CachingCpuAllocator::setHugePages(bool on) { hugePages_ = on; }
bool CachingCpuAllocator::hugePages() const { return hugePages_; }

std::size_t CachingCpuAllocator::capacityFor(std::size_t bytes, bool hugePages) {
  const std::size_t wanted = roundedUp(std::max<std::size_t>(bytes, 1), kAlignment);
  // Whole huge pages: a block's tail never shares one with the next block.
  return hugePages && wanted >= kMinHugePageBytes ? roundedUp(wanted, kHugePageBytes) : wanted;
}

void* CachingCpuAllocator::allocateFromSystem(std::size_t capacity, bool hugePages) const {
  if (!hugePages || capacity < kMinHugePageBytes) return std::aligned_alloc(kAlignment, capacity);
  void* block = std::aligned_alloc(kHugePageBytes, capacity);
  // Advice only: where the kernel has no huge pages to give (or none at
  // all), the block works on small pages as before.
  if (block && ::madvise(block, capacity, MADV_HUGEPAGE) == 0) ++hugePageBlocks_;
  return block;
}

c10::DataPtr CachingCpuAllocator::allocate(std::size_t bytes) const {
  // Read once: the capacity and the pages must agree if the mode changes meanwhile.
  const bool hugePages = hugePages_;
  const std::size_t wanted = capacityFor(bytes, hugePages);
  void* block = nullptr;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    if (wanted >= kMinCachedBytes) {
      const auto fit = kept_.lower_bound(wanted);
      if (fit != kept_.end() && fit->first <= wanted + wanted / 4) {
        block = fit->second;
        keptBytes_ -= fit->first;
        countLive(fit->first);
        kept_.erase(fit);
        ++reused_;
      }
    }
  }
  if (!block) {
    block = allocateFromSystem(wanted, hugePages);
    if (!block) throw std::bad_alloc();
    // Only blocks it may keep are recorded: a block it does not know is a
    // small one, freed at once (most tensors are small; no map entry for them).
    if (wanted >= kMinCachedBytes) {
      std::lock_guard<std::mutex> lock(mutex_);
      capacity_[block] = wanted;
      countLive(wanted);
      ++anew_;
    }
  }
  return {block, block, &deallocate, c10::Device(c10::DeviceType::CPU)};
}

void CachingCpuAllocator::deallocate(void* block) {
  if (block) instance().giveBack(block);
}

void CachingCpuAllocator::giveBack(void* block) const {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    const auto it = capacity_.find(block);
    const std::size_t size = it == capacity_.end() ? 0 : it->second;
    liveBytes_ -= size;
    if (size > 0 && keptBytes_ + size <= kMaxCachedBytes) {
      kept_.emplace(size, block);
      keptBytes_ += size;
      return;
    }
    if (it != capacity_.end()) capacity_.erase(it);
  }
  std::free(block);
}

void CachingCpuAllocator::releaseCached() const {
  std::multimap<std::size_t, void*> released;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    released.swap(kept_);
    keptBytes_ = 0;
    for (const auto& [size, block] : released) capacity_.erase(block);
  }
  for (const auto& [size, block] : released) std::free(block);
}

std::size_t CachingCpuAllocator::cachedBytes() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return keptBytes_;
}

std::size_t CachingCpuAllocator::reused() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return reused_;
}

std::size_t CachingCpuAllocator::hugePageBlocks() const { return hugePageBlocks_; }

std::size_t CachingCpuAllocator::allocatedAnew() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return anew_;
}

void CachingCpuAllocator::countLive(std::size_t bytes) const {
  liveBytes_ += bytes;
  peakLiveBytes_ = std::max(peakLiveBytes_, liveBytes_);
}

std::size_t CachingCpuAllocator::liveBytes() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return liveBytes_;
}

std::size_t CachingCpuAllocator::peakLiveBytes() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return peakLiveBytes_;
}

void CachingCpuAllocator::resetPeak() const {
  std::lock_guard<std::mutex> lock(mutex_);
  peakLiveBytes_ = liveBytes_;
}

}  // namespace vigie::inference::internal
