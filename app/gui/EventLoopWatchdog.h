#pragma once

#include <QElapsedTimer>
#include <QObject>
#include <QTimer>

namespace vigie::app {

/// Measures how long the GUI thread's event loop goes without turning: a
/// timer asks to fire every few milliseconds, and every late arrival is a
/// freeze the reader would feel (a click or a repaint waiting that long).
/// GUI thread only.
class EventLoopWatchdog : public QObject {
  Q_OBJECT
 public:
  explicit EventLoopWatchdog(QObject* parent = nullptr);

  void start();
  void stop();
  /// The longest gap between two turns of the event loop, in ms.
  double longestGapMs() const { return longestGapMs_; }
  /// How many gaps exceeded `thresholdMs` (100 ms by default).
  int gapsOver() const { return gapsOver_; }
  void setThresholdMs(double ms) { thresholdMs_ = ms; }

 private:
  void tick();

  QTimer timer_;
  QElapsedTimer clock_;
  qint64 lastNs_ = 0;
  double longestGapMs_ = 0;
  double thresholdMs_ = 100;
  int gapsOver_ = 0;
};

}  // namespace vigie::app
