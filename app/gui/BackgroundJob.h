#pragma once

#include <QMetaObject>
#include <QObject>
#include <QPointer>
#include <QThreadPool>

#ifdef __linux__
#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>
#endif
#include <atomic>
#include <memory>
#include <utility>

namespace vigie::app {

/// Lowers the calling thread's priority (nice 10; Linux sets it per thread,
/// and the threads it starts inherit it: the decoders', OpenMP's, ITK's), so
/// that while work saturates every core the GUI thread is still scheduled at
/// once: without it, a model run held the event loop up to 150 ms.
inline void yieldToTheGuiThread() {
#ifdef __linux__
  setpriority(PRIO_PROCESS, static_cast<id_t>(syscall(SYS_gettid)), 10);
#endif
}

/// One cancellable job at a time on Qt's thread pool, on behalf of a QObject
/// that lives on the GUI thread (StudyLoader, ModelRunner). Starting a job
/// cancels the one before it; what a superseded or cancelled job posts back
/// is dropped, so the GUI only ever hears about the latest job.
///
/// The worker gets a `Token`: it polls `token.cancelled()` and calls
/// `token.post(fn)` to run `fn` on the GUI thread (dropped if the owner is
/// gone or the job was replaced). GUI thread only, except Token.
template <typename Owner>
class BackgroundJob {
 public:
  class Token {
   public:
    Token(QPointer<Owner> owner, std::shared_ptr<std::atomic<bool>> flag, const BackgroundJob* job)
        : owner_(std::move(owner)), flag_(std::move(flag)), job_(job) {}

    bool cancelled() const { return *flag_; }
    const std::atomic<bool>& flag() const { return *flag_; }

    /// Runs `fn()` on the owner's thread, if the owner still exists and this
    /// job is still the current one. `whenCancelled` lets a final report
    /// through after a cancel (to say "cancelled").
    template <typename Fn>
    void post(Fn fn, bool whenCancelled = false) const {
      if (!owner_) return;
      QMetaObject::invokeMethod(
          owner_.data(),
          [owner = owner_, flag = flag_, job = job_, whenCancelled, fn = std::move(fn)]() mutable {
            if (!owner || !job->isCurrent(flag) || (*flag && !whenCancelled)) return;
            fn();
          },
          Qt::QueuedConnection);
    }

   private:
    QPointer<Owner> owner_;
    std::shared_ptr<std::atomic<bool>> flag_;
    const BackgroundJob* job_;
  };

  explicit BackgroundJob(Owner* owner) : owner_(owner) {}
  /// Cancels the job and waits (bounded) for the pool, so no worker outlives the owner's data.
  ~BackgroundJob() {
    cancel();
    QThreadPool::globalInstance()->waitForDone(10000);
  }

  /// Cancels any running job and starts `work(token)` on the thread pool.
  template <typename Work>
  void start(Work work) {
    cancel();
    flag_ = std::make_shared<std::atomic<bool>>(false);
    busy_ = true;
    Token token(QPointer<Owner>(owner_), flag_, this);
    QThreadPool::globalInstance()->start([token, work = std::move(work)]() mutable {
      yieldToTheGuiThread();
      work(token);
    });
  }

  void cancel() {
    if (flag_) *flag_ = true;
    busy_ = false;
  }
  /// The current job reported its end.
  void finished() { busy_ = false; }
  bool busy() const { return busy_; }
  bool isCurrent(const std::shared_ptr<std::atomic<bool>>& flag) const { return flag == flag_; }

 private:
  Owner* owner_;
  std::shared_ptr<std::atomic<bool>> flag_;
  bool busy_ = false;
};

}  // namespace vigie::app
