#pragma once

#include <cstddef>
#include <cstdlib>
#include <new>
#include <utility>

namespace vigie::core {

namespace detail {
/// Asks the kernel for 2 MiB pages over a large buffer (Linux transparent huge
/// pages in "madvise" mode, Debian's default). Defined in VoxelAllocator.cpp.
void adviseHugePages(void* buffer, std::size_t bytes) noexcept;
constexpr std::size_t kHugePage = std::size_t{2} << 20;
}  // namespace detail

/// The allocator behind every Volume. Two things a 200 MB CT needs that
/// std::allocator does not give:
/// - large buffers are 2 MiB-aligned and advised to use huge pages, so filling
///   one takes about a hundred page faults instead of fifty thousand (the
///   faults alone cost ~0.1 s for a 512x512x400 CT);
/// - value-less construction leaves voxels uninitialised, so a loader that
///   writes every voxel does not pay for zeroing them first.
template <typename T>
class VoxelAllocator {
 public:
  using value_type = T;

  VoxelAllocator() noexcept = default;
  template <typename U>
  VoxelAllocator(const VoxelAllocator<U>&) noexcept {}  // NOLINT: rebinding

  T* allocate(std::size_t n) {
    const std::size_t bytes = n * sizeof(T);
    if (bytes >= 2 * detail::kHugePage) {
      const std::size_t rounded =
          (bytes + detail::kHugePage - 1) / detail::kHugePage * detail::kHugePage;
      void* p = std::aligned_alloc(detail::kHugePage, rounded);
      if (!p) throw std::bad_alloc();
      detail::adviseHugePages(p, rounded);
      return static_cast<T*>(p);
    }
    return static_cast<T*>(::operator new(bytes));
  }

  void deallocate(T* p, std::size_t n) noexcept {
    if (n * sizeof(T) >= 2 * detail::kHugePage)
      std::free(p);
    else
      ::operator delete(p);
  }

  /// Default-initialisation: no zeroing for the arithmetic voxel types.
  template <typename U>
  void construct(U* p) noexcept {
    ::new (static_cast<void*>(p)) U;
  }
  template <typename U, typename... Args>
  void construct(U* p, Args&&... args) {
    ::new (static_cast<void*>(p)) U(std::forward<Args>(args)...);
  }

  template <typename U>
  bool operator==(const VoxelAllocator<U>&) const noexcept {
    return true;
  }
  template <typename U>
  bool operator!=(const VoxelAllocator<U>&) const noexcept {
    return false;
  }
};

}  // namespace vigie::core
