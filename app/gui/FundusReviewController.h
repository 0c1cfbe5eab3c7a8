#pragma once

#include <QObject>
#include <QString>
#include <QStringList>
#include <optional>

#include "BackgroundJob.h"
#include "FundusGrader.h"
#include "ReadingReference.h"
#include "vigie/core/ReviewStore.h"

class QStatusBar;

namespace vigie::app {

class FundusViewer;
class ProblemReporter;
class ReviewSession;

/// The Fundus tab's reading: runs the DR model on the photograph shown,
/// records the reader's grade and lesion marks in the review store (each
/// durable before it is shown), and brings back what was recorded when a
/// photograph is shown again.
class FundusReviewController : public QObject {
  Q_OBJECT
 public:
  FundusReviewController(FundusViewer* viewer, ReviewSession* session, ProblemReporter* problems,
                         QStatusBar* statusBar, QObject* parent = nullptr);

  /// The DR model bundle the tab runs.
  void setBundle(const QString& folder) { bundle_ = folder; }
  const QString& bundle() const { return bundle_; }
  /// Runs the DR model on the photograph shown, on a worker thread.
  void runModel();
  /// Records a grade; false, with the reason shown, if it was not saved.
  bool saveGrade(const QString& photograph, int grade, bool gradable, const QString& note);
  /// Records a lesion mark (or the withdrawal of one); false, with the reason shown, if not saved.
  bool saveLesionMark(const QString& photograph, core::FundusLesionMark mark);
  /// Shows the photograph's recorded grade and the lesion marks in force.
  void showStored(const QString& photograph);

  /// Educational mode for photographs: the DR model's answer and the other
  /// readers' grades and lesion marks stay hidden, and the model cannot run,
  /// while the reader grades each photograph blind; revealBlindRead then
  /// shows them and scores the grade against the reference.
  void setBlindReading(bool on);
  bool blindReading() const { return blind_; }
  /// Shows what was hidden on the photograph in front and says how the
  /// reader's grade compares with the reference (the first of
  /// `referenceFolders` that knows the photograph) and with the AI's. The
  /// references are read on a worker thread (a folder chosen for statistics
  /// can hold many); then, on the GUI thread, the text is shown, audited
  /// (agreement only) and sent by blindReadRevealed. Dropped if the reader
  /// moves to another photograph or leaves the mode meanwhile; asked again
  /// before the answer, only the last one is shown. False when there is
  /// nothing to reveal. GUI thread.
  bool revealBlindRead(const QStringList& referenceFolders);
  /// Whether the reader must not see what the other readers recorded on
  /// `photograph` (a store key): reading blind in educational mode, or a
  /// blind second reading (or arbitration) the site's double reading asks of
  /// them. When the store cannot tell, hidden.
  bool othersHidden(const QString& photograph) const;

 Q_SIGNALS:
  void modelFinished();
  void modelFailed(const QString& message);
  void gradeSaved();
  /// A photograph shown for the first time is now on the worklist.
  void photographRegistered();
  void lesionMarksSaved();
  /// A blind read was revealed: the text shown to the reader.
  void blindReadRevealed(const QString& text);

 private:
  void showModelResult(const FundusResult& result);
  /// Draws the lesion marks in force; only the reader's own when `othersHidden`.
  void showStoredLesionMarks(const QString& photograph, bool othersHidden);
  /// The reveal of `photograph`, once its reference (if any knows it) is read.
  void showReveal(const QString& photograph, const std::optional<ReferenceGrade>& reference);
  /// Puts the photograph shown on the worklist (once; later calls change nothing).
  void registerPhotograph(const QString& photograph);

  FundusViewer* viewer_;
  ReviewSession* session_;
  ProblemReporter* problems_;
  QStatusBar* statusBar_;
  /// Whether what others recorded on the photograph in front stays hidden.
  bool hidingOthers() const { return blind_ && !revealed_; }

  FundusGrader grader_;
  QString bundle_;
  bool blind_ = false;     ///< educational mode is on
  bool revealed_ = false;  ///< ... and the photograph in front was revealed
  /// Reads the reveal's reference; cancelled when the photograph or the mode changes.
  BackgroundJob<FundusReviewController> revealJob_{this};
};

}  // namespace vigie::app
