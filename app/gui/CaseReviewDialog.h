#pragma once

#include <QDialog>
#include <QString>
#include <QStringList>
#include <vector>

#include "BackgroundJob.h"
#include "CaseReview.h"

class QLabel;
class QListWidget;
class QTableWidget;

namespace vigie::app {

class ReviewSession;

/// Worklist > Compare the readers: the open case as a trainer reviews it,
/// every reader side by side (what `vigie-cli review case` prints). For a CT:
/// each finding, the AI's and the readers' own, with every reader's call and
/// the reference nodule it lies on, disputed rows and the AI's false
/// positives marked; then each reference nodule with who found and who
/// missed it. For a photograph: the AI's answer, every reader's grade and the
/// reference grade, a referral that goes against the reference (or, without
/// one, against the others) marked. The trainers' comments below, and
/// buttons to add one on the case or the selected finding. Double-click a
/// finding, or "Next to review", and the views go to it. The reference is
/// read off the GUI thread (a folder of CT cases is scanned).
class CaseReviewDialog : public QDialog {
  Q_OBJECT
 public:
  explicit CaseReviewDialog(ReviewSession* session, QWidget* parent = nullptr);
  ~CaseReviewDialog() override;

  /// Shows `caseUid` (a CT study's UID, a photograph's identity) as the store
  /// has it now, judged against the first of `referenceFolders` that knows
  /// the case (none: no reference column). `shown` or `failed` follows.
  void showCase(const QString& caseUid, const QStringList& referenceFolders);

  /// The tables as shown (tests): rows of findings or grades, and of
  /// reference nodules; a cell's text by column title.
  int rowCount() const;
  int lesionCount() const;
  QString cellText(int row, const QString& column) const;
  bool rowDisputed(int row) const;
  /// An AI finding on no reference nodule (the reference's false positive).
  bool rowFalsePositive(int row) const;
  /// Selects the next disputed or false-positive row after the selected one
  /// (wrapping), and the views go to it; false when there is none.
  bool selectNextToReview();
  /// Records a trainer's comment on the case shown, or on the selected
  /// finding, and shows it; false, with the reason in the summary, if not.
  bool comment(const QString& text, bool onSelectedFinding);

 Q_SIGNALS:
  void shown();
  void failed(const QString& message);
  /// A finding or a reference nodule was double-clicked: the views go to it.
  void findingActivated(const vigie::core::Vec3& centerMm, double diameterMm);

 private:
  void showReview(const CaseReview& review);
  void showCt(const CaseReview& review);
  void showPhotograph(const CaseReview& review);
  void showComments(const CaseReview& review);
  /// Asks for a comment's text and records it (the buttons).
  void askForComment(bool onSelectedFinding);
  /// Colours and explains a row of the findings table.
  void markRow(int row, const QColor& color, const QString& why);

  ReviewSession* session_;
  QLabel* summary_ = nullptr;
  QTableWidget* table_ = nullptr;
  QTableWidget* lesions_ = nullptr;
  QListWidget* comments_ = nullptr;
  std::vector<FindingReview> findings_;   ///< the CT rows shown, in order
  std::vector<LesionReview> lesionRows_;  ///< the reference nodules shown, in order
  std::vector<bool> disputed_;
  std::vector<bool> falsePositive_;
  QString caseUid_;  ///< the case shown
  QStringList referenceFolders_;
  BackgroundJob<CaseReviewDialog> job_;
};

}  // namespace vigie::app
