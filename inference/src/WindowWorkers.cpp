#include "WindowWorkers.h"

#include <ATen/Parallel.h>

#include <algorithm>
#include <condition_variable>
#include <mutex>
#include <optional>
#include <system_error>
#include <thread>
#include <vector>

#include "SessionImpl.h"

namespace vigie::inference::internal {

WindowThreads planWindowThreads(int cores, int parallelWindows, std::size_t batches) {
  WindowThreads plan;
  cores = std::max(1, cores);
  const auto most =
      static_cast<int>(std::min<std::size_t>(batches, static_cast<std::size_t>(cores)));
  plan.workers = std::clamp(parallelWindows, 1, std::max(1, most));
  plan.threadsEach = std::max(1, cores / plan.workers);
  return plan;
}

namespace {

/// What the workers share: the next job to take, how many are finished, and
/// the first error. The calling thread waits on `changed`.
struct JobBoard {
  std::mutex mutex;
  std::condition_variable changed;
  std::size_t next = 0;
  std::size_t finished = 0;
  int running = 0;
  std::optional<core::Error> error;
  bool stop = false;
};

core::Status runGuarded(const std::function<core::Status(std::size_t)>& job, std::size_t index,
                        const std::string& context) {
  try {
    return job(index);
  } catch (const std::exception& e) {
    return torchError(context, e);
  }
}

}  // namespace

core::Status runWindowJobs(std::size_t count, const WindowThreads& threads,
                           const std::function<core::Status(std::size_t)>& job,
                           const std::function<void(std::size_t)>& done,
                           const std::atomic<bool>* cancel, const std::string& context) {
  const auto cancelled = [&] {
    return core::makeError(core::ErrorCode::Cancelled, "inference cancelled");
  };
  if (threads.workers <= 1) {
    for (std::size_t n = 0; n < count; ++n) {
      if (cancel && *cancel) return cancelled();
      if (auto ran = runGuarded(job, n, context); !ran.ok()) return ran;
      if (done) done(n + 1);
    }
    return {};
  }

  JobBoard board;
  board.running = threads.workers;
  auto work = [&] {
    // OpenMP keeps the thread count per thread: a new thread starts with the
    // process default, not with the calling thread's setting.
    at::set_num_threads(threads.threadsEach);
    for (;;) {
      std::size_t index;
      {
        std::lock_guard<std::mutex> lock(board.mutex);
        // A cancel is seen here, before each job, as on the calling thread.
        if (cancel && *cancel) board.stop = true;
        if (board.stop || board.next >= count) break;
        index = board.next++;
      }
      auto ran = runGuarded(job, index, context);
      std::lock_guard<std::mutex> lock(board.mutex);
      if (!ran.ok() && !board.error) {
        board.error = ran.error();
        board.stop = true;
      }
      ++board.finished;
      board.changed.notify_all();
    }
    std::lock_guard<std::mutex> lock(board.mutex);
    --board.running;
    board.changed.notify_all();
  };
  std::vector<std::thread> workers;
  try {
    for (int w = 0; w < threads.workers; ++w) workers.emplace_back(work);
  } catch (const std::system_error& e) {
    // No thread to be had: stop those that started (a joinable thread left
    // behind would end the program), then say why.
    {
      std::lock_guard<std::mutex> lock(board.mutex);
      board.stop = true;
    }
    for (auto& worker : workers) worker.join();
    return core::makeError(core::ErrorCode::Internal,
                           context + ": cannot start a worker thread: " + e.what());
  }

  std::size_t reported = 0;
  {
    std::unique_lock<std::mutex> lock(board.mutex);
    for (;;) {
      if (board.finished > reported && done && !board.stop) {
        reported = board.finished;
        lock.unlock();
        done(reported);
        lock.lock();
        continue;  // more may have finished meanwhile
      }
      if (board.running == 0) break;
      // Woken by a finished job, or every 50 ms to look at the cancel flag.
      board.changed.wait_for(lock, std::chrono::milliseconds(50));
      if (cancel && *cancel) board.stop = true;
    }
  }
  for (auto& worker : workers) worker.join();
  if (board.error) return *board.error;
  // Cancelled unless every job had finished by then.
  if (cancel && *cancel && board.finished < count) return cancelled();
  return {};
}

}  // namespace vigie::inference::internal
