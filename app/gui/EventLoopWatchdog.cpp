#include "EventLoopWatchdog.h"

#include <algorithm>

namespace vigie::app {

namespace {
constexpr int kIntervalMs = 5;
}

EventLoopWatchdog::EventLoopWatchdog(QObject* parent) : QObject(parent) {
  timer_.setTimerType(Qt::PreciseTimer);
  timer_.setInterval(kIntervalMs);
  connect(&timer_, &QTimer::timeout, this, &EventLoopWatchdog::tick);
}

void EventLoopWatchdog::start() {
  longestGapMs_ = 0;
  gapsOver_ = 0;
  clock_.start();
  lastNs_ = clock_.nsecsElapsed();
  timer_.start();
}

void EventLoopWatchdog::stop() {
  tick();  // the gap up to now counts too
  timer_.stop();
}

void EventLoopWatchdog::tick() {
  const qint64 now = clock_.nsecsElapsed();
  const double gapMs = (now - lastNs_) / 1e6;
  lastNs_ = now;
  longestGapMs_ = std::max(longestGapMs_, gapMs);
  if (gapMs > thresholdMs_) ++gapsOver_;
}

}  // namespace vigie::app
