#pragma once

#include <QObject>
#include <QString>
#include <QStringList>
#include <optional>
#include <utility>
#include <vector>

#include "BackgroundJob.h"
#include "NoduleEvaluation.h"
#include "vigie/core/Finding.h"
#include "vigie/core/ReviewOutcome.h"
#include "vigie/core/ReviewStore.h"
#include "vigie/core/VolumeGeometry.h"

class QWidget;

namespace vigie::app {

class FindingsPanel;
class ProblemReporter;
class ReviewSession;
struct ModelRun;

/// The CT tab's review of the model's findings: the run shown (fresh, or the
/// last one stored for the case), the reader's decisions recorded and applied
/// (the store is the truth, never the table), trainers' comments, and
/// educational mode's blind read and its reveal. It owns no view: MainWindow
/// draws what reviewShown and findingMoved say on the slices and in 3D.
class CtReviewController : public QObject {
  Q_OBJECT
 public:
  /// `dialogParent` hosts the comment and reveal dialogs.
  CtReviewController(ReviewSession* session, FindingsPanel* findings, ProblemReporter* problems,
                     QWidget* dialogParent);

  /// A CT case is on screen (its volume's geometry): its stored run and
  /// decisions are shown, read blind again in educational mode.
  void openCase(const core::VolumeGeometry& geometry);
  /// A model run has finished on the open case: shown, stored with its
  /// findings (so that decisions and exports refer to exactly what was
  /// shown), and the decisions applied.
  void showModelRun(const ModelRun& run);

  /// Records the reader's decision on the selected finding at once (durable
  /// before the table shows it); false, with the reason in Problems, when it
  /// could not be saved.
  bool decideSelected(core::DecisionKind kind);
  /// Moves the selected finding's centre and/or changes its diameter (Edit).
  bool editSelected(const core::Vec3& centerMm, double diameterMm, const QString& note = {});
  /// Attaches a note and a category to the selected finding (Annotate).
  bool annotateSelected(const QString& note, const QString& category);
  /// Records a finding the model missed (Add); it joins the table.
  bool addFinding(const core::Vec3& centerMm, double diameterMm, const QString& note = {});
  /// The selected finding, or a hint in the status bar when none is.
  std::optional<core::ReviewedFinding> selectedOrHint();

  /// Asks for a trainer's comment and records it.
  void askForComment(bool onSelectedFinding);
  /// Records a trainer's comment on the open study, or on the selected
  /// finding; false, with the reason in Problems, when it could not be saved.
  bool commentOnStudy(const QString& text, bool onSelectedFinding);

  /// Educational mode: the AI's findings and the other readers' marks stay
  /// hidden while the reader reads the case blind and marks what they see.
  void setEducationalMode(bool on);
  bool educationalMode() const { return blindReading_; }
  /// Shows the AI's stored findings and scores the reader's marks, and the
  /// AI's, against the case's reference (the study folder's truth.json, or
  /// the reference folder last used for reader statistics). The reference is
  /// read on a worker thread (a folder chosen for statistics can hold many
  /// cases); then, on the GUI thread, the score is shown, audited (counts
  /// only) and sent by blindReadRevealed. Dropped if another case opens or
  /// the mode is left meanwhile; asked again before the answer, only the
  /// last one is shown. False when there is nothing to reveal. GUI thread.
  bool revealBlindRead();

 Q_SIGNALS:
  /// A line for the status bar, for `timeoutMs` (0: until replaced).
  void status(const QString& message, int timeoutMs);
  /// The findings as the reader's decisions leave them, to draw.
  void reviewShown(const std::vector<core::ReviewedFinding>& findings);
  /// An edit moved the selected finding: its marker follows it.
  void findingMoved(const core::Vec3& centerMm, double diameterMm);
  /// A blind read was revealed: the reference nodules the reader missed
  /// (centre in LPS mm, diameter), to ring in the views.
  void missedNodulesRevealed(const std::vector<std::pair<core::Vec3, double>>& nodules);
  /// Something was written to the store (the worklist refreshes).
  void storeChanged();
  /// A blind read was revealed: the text shown to the reader.
  void blindReadRevealed(const QString& text);

 private:
  void showStoredRun();
  void refreshReview();
  bool record(core::Decision decision);
  /// The reveal of the open case, once its reference (if any knows it) is read.
  void showReveal(const std::optional<std::vector<TruthNodule>>& nodules);

  ReviewSession* session_;
  FindingsPanel* findings_;
  ProblemReporter* problems_;
  QWidget* dialogParent_;
  std::optional<core::VolumeGeometry> geometry_;  ///< of the open case
  std::vector<core::Finding> modelFindings_;      ///< of the model run shown
  bool blindReading_ = false;                     ///< educational mode is on
  bool revealed_ = false;                         ///< ... and the open case was revealed
  /// Reads the reveal's reference; cancelled when the case or the mode changes.
  BackgroundJob<CtReviewController> revealJob_{this};
};

}  // namespace vigie::app
