#include "vigie/core/VoxelAllocator.h"

#if defined(__linux__)
#include <sys/mman.h>
#endif

namespace vigie::core::detail {

void adviseHugePages(void* buffer, std::size_t bytes) noexcept {
#if defined(MADV_HUGEPAGE)
  // Advice only: where huge pages are off or unavailable, normal pages serve.
  (void)::madvise(buffer, bytes, MADV_HUGEPAGE);
#else
  (void)buffer;
  (void)bytes;
#endif
}

}  // namespace vigie::core::detail
