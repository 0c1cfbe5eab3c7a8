#pragma once

#include <QObject>
#include <QString>
#include <QStringList>

#include "vigie/core/Result.h"

class QListWidget;
class QStatusBar;

namespace vigie::app {

/// The study panel's Problems list: every error a reader must know of goes
/// there (unreadable files, a store that refused a record, a model that could
/// not run), never to a pile of dialogs, with a status-bar line pointing to it.
class ProblemReporter : public QObject {
  Q_OBJECT
 public:
  ProblemReporter(QListWidget* list, QStatusBar* statusBar, QObject* parent = nullptr);

  /// Adds `problem` to the list; `headline`, when given, goes to the status
  /// bar for ten seconds (what failed, in a few words, "see Problems").
  void report(const QString& problem, const QString& headline = {});
  /// Reports a failed operation's error message.
  void report(const core::Error& error, const QString& headline = {});
  /// Replaces every problem: a newly opened study brings its own.
  void replace(const QStringList& problems);
  const QStringList& problems() const { return problems_; }

 private:
  void redraw();

  QListWidget* list_;
  QStatusBar* statusBar_;
  QStringList problems_;
};

}  // namespace vigie::app
