#pragma once

#include <algorithm>
#include <atomic>
#include <cstddef>
#include <thread>
#include <vector>

namespace vigie::imaging::internal {

/// Runs work(index) for index in [0, count) on up to `maxThreads` threads
/// (hardware concurrency by default), handing out indices one at a time so
/// slow files do not stall a whole block. Returns when all are done.
template <typename Work>
void parallelFor(std::size_t count, Work work, unsigned maxThreads = 0) {
  unsigned threads = maxThreads ? maxThreads : std::max(1u, std::thread::hardware_concurrency());
  threads = static_cast<unsigned>(std::min<std::size_t>(threads, count));
  if (threads <= 1) {
    for (std::size_t i = 0; i < count; ++i) work(i);
    return;
  }
  std::atomic<std::size_t> next{0};
  std::vector<std::thread> pool;
  for (unsigned t = 0; t < threads; ++t) {
    pool.emplace_back([&] {
      for (std::size_t i = next++; i < count; i = next++) work(i);
    });
  }
  for (auto& thread : pool) thread.join();
}

}  // namespace vigie::imaging::internal
