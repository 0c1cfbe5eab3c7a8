#pragma once

// Internal: running a sliding window's batches on several threads at once.

#include <atomic>
#include <cstddef>
#include <functional>
#include <string>

#include "vigie/core/Result.h"

namespace vigie::inference::internal {

/// How a CPU run spends its cores: `workers` batches of windows in flight at
/// once, each network call on `threadsEach` LibTorch intra-op threads.
struct WindowThreads {
  int workers = 1;
  int threadsEach = 1;
};

/// The layout for `cores` intra-op threads and `parallelWindows` asked for:
/// never more workers than cores or batches, the cores shared evenly (at least
/// one thread each).
WindowThreads planWindowThreads(int cores, int parallelWindows, std::size_t batches);

/// Runs job(0) .. job(count - 1), each once. With one worker they run in order
/// on the calling thread; with more, on that many threads, each set to
/// `threadsEach` intra-op threads, while the calling thread (the one
/// InferenceProgress promises) reports each finished job through `done` and
/// passes a cancellation on. A job's error, or an exception it throws
/// (reported with `context`), stops the jobs not yet started; the first error
/// is returned. `done` is called with the number of jobs finished so far.
core::Status runWindowJobs(std::size_t count, const WindowThreads& threads,
                           const std::function<core::Status(std::size_t)>& job,
                           const std::function<void(std::size_t)>& done,
                           const std::atomic<bool>* cancel, const std::string& context);

}  // namespace vigie::inference::internal
