#pragma once

#include <QString>
#include <QStringList>
#include <QWidget>
#include <vector>

#include "Worklist.h"
#include "vigie/core/CaseRecords.h"

class QCheckBox;
class QComboBox;
class QDate;
class QDateEdit;
class QDoubleSpinBox;
class QLabel;
class QTableWidget;

namespace vigie::app {

class ReviewSession;

/// The worklist dock: every study and photograph the review store knows, in
/// triage order (the "#" column) or sorted on any column by clicking its
/// header, filtered by lane, state, disagreement or "mine", and further by
/// the AI's score, a reader, the modality and the study date, with patient
/// names hidden on request. Double-click, or Shift+N / Shift+P from the
/// Worklist menu, opens a case. The column layout and sort are remembered
/// per reader. Reads and writes go through the session (the reader's store).
class WorklistPanel : public QWidget {
  Q_OBJECT
 public:
  explicit WorklistPanel(ReviewSession* session, QWidget* parent = nullptr);
  ~WorklistPanel() override;

  /// Reads the store again, keeping the filter, sort and selected case.
  void refresh();
  /// The store changed: refresh now if the list is on screen, else when it
  /// is next shown (reading a large store on every decision would make the
  /// reader wait for a list they are not looking at).
  void storeChanged();
  /// Selects and opens the next (+1) or previous (-1) case in the list's
  /// current order; from the first case when none is selected.
  void step(int direction);
  /// Assigns the selected case to the session's reader.
  void assignSelectedToMe();
  /// Records a reading state of the selected case.
  void setSelectedState(core::ReadingState state);
  /// Selects the filter by its index in the filter box (tests, menus).
  void setFilterIndex(int index);
  void setNamesHidden(bool hidden);
  /// Only cases the AI scored at least `score` (0: any).
  void setMinimumScore(double score);
  /// Only cases assigned to or read by `reader` (empty: any).
  void setReaderShown(const QString& reader);
  /// Only cases of `modality` ("CT", "OP" ...; empty: any).
  void setModalityShown(const QString& modality);
  /// Only studies dated from `from` to `to`, inclusive (null dates: any).
  void setStudyDates(const QDate& from, const QDate& to);

  /// The case UIDs as listed, top to bottom.
  QStringList shownCases() const;
  QString selectedCase() const;
  /// The cell text of a listed row (tests).
  QString cellText(int row, const QString& column) const;

 Q_SIGNALS:
  /// A case to open: its source (a folder or a photograph file).
  void openRequested(const QString& source, const QString& caseUid);
  void problem(const QString& message);

 private:
  void showEvent(QShowEvent* event) override;
  void rebuildRows();
  bool passesFilter(const WorklistEntry& e) const;
  /// The score, reader, modality and date controls as the library's filter.
  WorklistFilter refinement() const;
  /// The reader and modality boxes offer what the list holds, keeping the choice.
  void offerReadersAndModalities();
  void openRow(int row);
  void rememberLayout();
  void restoreLayout();
  QString layoutKey() const;
  int column(const QString& name) const;

  ReviewSession* session_;
  QComboBox* filter_;
  QCheckBox* hideNames_;
  QDoubleSpinBox* minScore_;
  QComboBox* readerShown_;
  QComboBox* modalityShown_;
  QCheckBox* datesShown_;
  QDateEdit* fromDate_;
  QDateEdit* toDate_;
  QLabel* count_;
  QTableWidget* table_;
  std::vector<WorklistEntry> entries_;  ///< triage order
  QString restoredFor_;                 ///< the reader whose layout is in place
  bool restoring_ = false;
  bool fittedColumns_ = false;
  bool stale_ = true;  ///< the store changed since the rows were built  ///< the columns have their
                       ///< widths (fitted, or the reader's)
};

}  // namespace vigie::app
