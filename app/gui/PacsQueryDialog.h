#pragma once

#include <QDialog>
#include <QString>

#include "BackgroundJob.h"

class QLabel;
class QLineEdit;
class QSpinBox;
class QProgressBar;
class QPushButton;
class QTableWidget;

namespace vigie::app {

/// File > Query/Retrieve: finds studies on a PACS (C-FIND, or QIDO-RS for a
/// DICOMweb node, at study level: name, ID, date range, modality) and
/// retrieves the one chosen (C-GET or WADO-RS) into Vigie's cache, with
/// progress and Cancel, off the GUI thread; then asks for it to be opened.
/// The node and Vigie's AE title are remembered.
/// GUI thread only.
class PacsQueryDialog : public QDialog {
  Q_OBJECT
 public:
  explicit PacsQueryDialog(QWidget* parent = nullptr);

  /// Where retrieved studies go: $XDG_CACHE_HOME/vigie/pacs (~/.cache/vigie/pacs).
  static QString cacheFolder();

  void setNode(const QString& node);  ///< AET@HOST:PORT, a DICOMweb URL or a node's name
  /// Retrieval stops taking objects once the cache holds this many MB (what
  /// it held before included): what came stays and the study is reported
  /// partial. 0: no limit. Remembered (QSettings "pacs/cacheLimitMb").
  void setCacheLimitMb(int megabytes);
  int cacheLimitMb() const;
  void setPatientName(const QString& pattern);
  void search();
  int resultCount() const;
  /// The Study Instance UID of result `row`.
  QString studyUidAt(int row) const;
  void selectRow(int row);
  void retrieve();
  void cancel();

 Q_SIGNALS:
  void searchFinished(int matches, const QString& error);
  /// A study arrived (complete or not: `problems` says what went wrong);
  /// `folder` holds its files.
  void studyRetrieved(const QString& folder, const QString& problems);
  void retrieveFailed(const QString& error);

 private:
  void setBusy(bool busy, const QString& status);
  /// The node field completes the names in the nodes file (read again after an edit).
  void offerConfiguredNodes();

  QLineEdit* node_ = nullptr;
  QLineEdit* ourAeTitle_ = nullptr;
  QSpinBox* cacheLimit_ = nullptr;
  QLineEdit* patientName_ = nullptr;
  QLineEdit* patientId_ = nullptr;
  QLineEdit* dates_ = nullptr;
  QLineEdit* modality_ = nullptr;
  QPushButton* searchButton_ = nullptr;
  QPushButton* retrieveButton_ = nullptr;
  QPushButton* cancelButton_ = nullptr;
  QTableWidget* results_ = nullptr;
  QProgressBar* progress_ = nullptr;
  QLabel* status_ = nullptr;
  BackgroundJob<PacsQueryDialog> job_{this};
};

}  // namespace vigie::app
