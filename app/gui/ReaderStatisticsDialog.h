#pragma once

#include <QDialog>
#include <QString>
#include <QStringList>
#include <memory>
#include <optional>

#include "BackgroundJob.h"
#include "ReaderStatistics.h"
#include "ReviewRecords.h"

class QCheckBox;
class QLabel;
class QLineEdit;
class QListWidget;
class QTableWidget;
class QTabWidget;

class QChartView;

namespace vigie::app {

class ReviewSession;

/// Reader statistics for trainers: what `vigie-cli review stats` computes
/// (every reader and the AI against a reference, each figure with its 95 %
/// interval), as a table and as two charts: the AI's FROC curve with each
/// reader's operating point, and each reader's referable sensitivity,
/// specificity and quadratic-weighted kappa with their intervals. Selecting
/// a figure lists the cases behind it; double-clicking a case opens it.
/// Computed off the GUI thread (a reference of CT folders is scanned).
class ReaderStatisticsDialog : public QDialog {
  Q_OBJECT
 public:
  explicit ReaderStatisticsDialog(ReviewSession* session, QWidget* parent = nullptr);
  ~ReaderStatisticsDialog() override;

  /// A labels CSV, a synthetic truth folder, or a folder of CT case folders.
  void setReference(const QString& path);
  /// Reads recorded from / to (YYYY-MM-DD; empty: open).
  void setPeriod(const QString& from, const QString& to);
  /// The session's reader by name, the others as anonymised peers.
  void setOnlyMine(bool onlyMine);
  /// Reads the store and computes; `computed` or `failed` follows.
  void compute();

  /// The table's rows (readers, then the AI) and a cell's text (tests).
  QStringList rowNames() const;
  QString cellText(int row, const QString& column) const;
  /// Selects a figure: the drill-down lists the cases behind it.
  void drillDown(int row, const QString& column);
  QStringList drillDownCases() const;
  /// Series shown on the charts (tests): "FROC" or "Agreement".
  QStringList chartSeries(const QString& chart) const;

 Q_SIGNALS:
  void computed();
  void failed(const QString& message);
  /// A case to open: its source (a folder or a photograph) and its UID.
  void openRequested(const QString& source, const QString& caseUid);

 private:
  void showStatistics(ReadingStatistics statistics);
  void fillTable();
  void drawFroc();
  void drawAgreement();
  const ReaderFigures* figuresOfRow(int row) const;
  int columnOf(const QString& name) const;
  void openDrilledCase(int index);

  ReviewSession* session_;
  QLineEdit* reference_;
  QLineEdit* from_;
  QLineEdit* to_;
  QCheckBox* onlyMine_;
  QLabel* status_;
  QTabWidget* tabs_;
  QTableWidget* table_;
  QListWidget* drill_;
  QChartView* froc_;
  QChartView* agreement_;
  std::optional<ReadingStatistics> statistics_;
  ReviewRecords records_;
  BackgroundJob<ReaderStatisticsDialog> job_;
};

}  // namespace vigie::app
