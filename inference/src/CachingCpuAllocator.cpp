// Why: LibTorch allocates every sliding window's activations afresh, hundreds
// of megabytes a window. glibc serves blocks that large with mmap and returns
// them with munmap when freed, so the next window faults every page in again:
// 15 million minor page faults (60 GB touched anew) for one 512x512x300 scan,
// most of the run spent in the kernel on a virtual machine (issue 15). Keeping
// the freed blocks and handing them to the next window's identical requests
// touches each page once per process instead of once per window.
#include "CachingCpuAllocator.h"

#include <c10/core/CPUAllocator.h>

#include <algorithm>
#include <atomic>
#include <cstdlib>
#include <new>
#include <string>

namespace vigie::inference::internal {
namespace {

constexpr std::size_t kAlignment = 64;  // as c10's default CPU allocator: AVX-512 loads

std::atomic<bool> gInstalled{false};

std::size_t roundedUp(std::size_t bytes) {
  return (bytes + kAlignment - 1) / kAlignment * kAlignment;
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
    const char* choice = std::getenv("VIGIE_CPU_ALLOCATOR");
    if (choice && std::string(choice) == "system") return;
    c10::SetCPUAllocator(&instance(), /*priority=*/1);
    gInstalled = true;
  });
}

bool CachingCpuAllocator::installed() { return gInstalled; }

c10::DataPtr CachingCpuAllocator::allocate(std::size_t bytes) const {
  const std::size_t wanted = roundedUp(std::max<std::size_t>(bytes, 1));
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
    block = std::aligned_alloc(kAlignment, wanted);
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
