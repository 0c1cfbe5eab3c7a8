#include "ProblemReporter.h"

#include <QListWidget>
#include <QStatusBar>

namespace vigie::app {

ProblemReporter::ProblemReporter(QListWidget* list, QStatusBar* statusBar, QObject* parent)
    : QObject(parent), list_(list), statusBar_(statusBar) {
  redraw();
}

void ProblemReporter::report(const QString& problem, const QString& headline) {
  problems_ << problem;
  redraw();
  if (!headline.isEmpty()) statusBar_->showMessage(headline, 10000);
}

void ProblemReporter::report(const core::Error& error, const QString& headline) {
  report(QString::fromStdString(error.message), headline);
}

void ProblemReporter::replace(const QStringList& problems) {
  problems_ = problems;
  redraw();
}

void ProblemReporter::redraw() {
  list_->clear();
  list_->addItems(problems_);
  //: The Problems list when there is no problem.
  if (problems_.isEmpty()) list_->addItem(tr("none"));
}

}  // namespace vigie::app
