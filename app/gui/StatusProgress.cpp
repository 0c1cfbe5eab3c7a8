#include "StatusProgress.h"

#include <QProgressBar>
#include <QPushButton>
#include <QStatusBar>
#include <algorithm>

namespace vigie::app {

StatusProgress::StatusProgress(QStatusBar* statusBar)
    : QObject(statusBar),
      bar_(new QProgressBar(statusBar)),
      cancel_(new QPushButton(tr("Cancel"), statusBar)) {
  bar_->setMaximumWidth(240);
  bar_->setVisible(false);
  statusBar->addPermanentWidget(bar_);
  cancel_->setVisible(false);
  statusBar->addPermanentWidget(cancel_);
  // The bar keeps its height when the progress bar and Cancel appear: a
  // taller bar would resize every view, and each would render again at once.
  statusBar->setMinimumHeight(std::max(cancel_->sizeHint().height(), bar_->sizeHint().height()) +
                              4);
  connect(cancel_, &QPushButton::clicked, this, &StatusProgress::cancelRequested);
}

void StatusProgress::start(bool cancellable) {
  bar_->setValue(0);
  bar_->setVisible(true);
  cancel_->setVisible(cancellable);
}

void StatusProgress::update(int done, int total) {
  if (done < total && lastDrawn_.isValid() && lastDrawn_.elapsed() < 250) return;
  lastDrawn_.start();
  bar_->setMaximum(total);
  bar_->setValue(done);
}

void StatusProgress::stop() {
  bar_->setVisible(false);
  cancel_->setVisible(false);
}

}  // namespace vigie::app
