#pragma once

#include <QDialog>
#include <QString>

#include "BackgroundJob.h"

class QLabel;
class QTableWidget;

namespace vigie::app {

/// The site's archives, edited in a table (PACS > Configure nodes, or the
/// Query/Retrieve dialog's Nodes button) and saved to the nodes file that
/// vigie-cli and the GUI read: name, and either AE title, host, port and
/// optional TLS files (DIMSE) or a DICOMweb URL. Save checks every row first
/// and writes nothing while one is wrong, naming the row and the problem;
/// Test asks the selected node to answer (C-ECHO or QIDO-RS) off the GUI
/// thread. GUI thread only.
class PacsNodesDialog : public QDialog {
  Q_OBJECT
 public:
  enum Column { Name, AeTitle, Host, Port, Url, TokenFile, TlsCa, TlsCertificate, TlsKey, Columns };

  /// Edits `nodesFile` (the default nodes file when empty).
  explicit PacsNodesDialog(const QString& nodesFile = {}, QWidget* parent = nullptr);

  int addRow();  ///< an empty row; its index
  void setCell(int row, Column column, const QString& text);
  void removeRow(int row);
  /// Checks every row, then writes the file; false (and the status says why) when a row is wrong.
  bool save();
  void test(int row);
  QString status() const;
  int rowCount() const;

 Q_SIGNALS:
  void saved();
  void tested(bool answered, const QString& message);

 private:
  void load();
  QString cell(int row, Column column) const;

  QString file_;
  QTableWidget* table_ = nullptr;
  QLabel* status_ = nullptr;
  BackgroundJob<PacsNodesDialog> job_{this};
};

}  // namespace vigie::app
