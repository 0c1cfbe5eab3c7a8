#pragma once

// Internal: LibTorch's CPU allocator replaced by one that keeps large freed
// blocks for reuse (see the .cpp for why).

#include <c10/core/Allocator.h>

#include <atomic>
#include <cstddef>
#include <map>
#include <mutex>
#include <unordered_map>

namespace vigie::inference::internal {

/// A c10::Allocator for CPU tensors that keeps freed blocks of 1 MiB or more
/// and hands them out again to requests of the same size (up to a quarter
/// larger), instead of returning them to the C library. Smaller blocks go
/// straight to the C library, whose bins already reuse them. What it keeps is
/// bounded (`kMaxCachedBytes`); past that, freed blocks go back to the system.
/// Blocks of `kMinHugePageBytes` or more are whole 2 MiB pages, advised to the
/// kernel's transparent huge pages (unless told not to: `setHugePages`).
/// Thread-safe: LibTorch allocates from its intra-op threads too.
class CachingCpuAllocator final : public c10::Allocator {
 public:
  static constexpr std::size_t kMinCachedBytes = std::size_t{1} << 20;
  static constexpr std::size_t kMaxCachedBytes = std::size_t{6} << 30;
  /// Rounding a block up to whole 2 MiB pages wastes at most a quarter of it.
  static constexpr std::size_t kMinHugePageBytes = std::size_t{8} << 20;

  /// The process's instance; never destroyed (tensors may outlive main()).
  static CachingCpuAllocator& instance();
  /// Makes it LibTorch's CPU allocator, once per process; later calls do
  /// nothing. The environment variable VIGIE_CPU_ALLOCATOR=system keeps
  /// LibTorch's own, and VIGIE_CPU_ALLOCATOR=small-pages this one without
  /// huge pages (baselines for benchmarks).
  static void install();
  /// Whether LibTorch allocates CPU tensors through it (install() ran and
  /// was not told to keep the system's).
  static bool installed();

  c10::DataPtr allocate(std::size_t bytes) const override;
  c10::DeleterFnPtr raw_deleter() const override { return &deallocate; }

  /// Whether blocks allocated from now on are laid on huge pages (default
  /// on); blocks already allocated keep their pages.
  void setHugePages(bool on);
  bool hugePages() const;
  /// Blocks the kernel took the huge-page advice for, since the process
  /// started (0 where the kernel has no transparent huge pages).
  std::size_t hugePageBlocks() const;

  /// Returns every kept block to the system (e.g. when a session closes).
  void releaseCached() const;
  std::size_t cachedBytes() const;
  /// Blocks handed out from the cache, and blocks that had to be allocated
  /// anew, since the process started: the hit rate of the reuse.
  std::size_t reused() const;
  std::size_t allocatedAnew() const;
  /// Bytes of large blocks (1 MiB or more) held by live tensors now, and the
  /// most held since resetPeak(): what a network's activations take, so that
  /// a run can measure its memory on a small window before it plans the
  /// large ones (small tensors are not counted).
  std::size_t liveBytes() const;
  std::size_t peakLiveBytes() const;
  void resetPeak() const;

 private:
  CachingCpuAllocator() = default;
  static void deallocate(void* block);
  void giveBack(void* block) const;
  /// What a request of `bytes` takes: rounded to the alignment, and to whole
  /// huge pages for a large block.
  static std::size_t capacityFor(std::size_t bytes, bool hugePages);
  void* allocateFromSystem(std::size_t capacity, bool hugePages) const;
  /// A large block of `bytes` goes to a live tensor (the mutex held).
  void countLive(std::size_t bytes) const;

  std::atomic<bool> hugePages_{true};
  mutable std::atomic<std::size_t> hugePageBlocks_{0};
  mutable std::mutex mutex_;
  mutable std::unordered_map<void*, std::size_t> capacity_;  ///< large blocks, live or kept
  mutable std::multimap<std::size_t, void*> kept_;           ///< freed blocks by capacity
  mutable std::size_t keptBytes_ = 0;
  mutable std::size_t reused_ = 0, anew_ = 0;
  mutable std::size_t liveBytes_ = 0, peakLiveBytes_ = 0;
};

}  // namespace vigie::inference::internal
