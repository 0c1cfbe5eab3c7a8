#include "PacsNodesDialog.h"

#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QPushButton>
#include <QTableWidget>
#include <QVBoxLayout>
#include <memory>
#include <set>

#include "vigie/imaging/net/ArchiveClient.h"
#include "vigie/imaging/net/DicomWebClient.h"

namespace vigie::app {
namespace {

constexpr const char* kHeadings[PacsNodesDialog::Columns] = {
    QT_TRANSLATE_NOOP("vigie::app::PacsNodesDialog", "Name"),
    QT_TRANSLATE_NOOP("vigie::app::PacsNodesDialog", "AE title"),
    QT_TRANSLATE_NOOP("vigie::app::PacsNodesDialog", "Host"),
    QT_TRANSLATE_NOOP("vigie::app::PacsNodesDialog", "Port"),
    QT_TRANSLATE_NOOP("vigie::app::PacsNodesDialog", "DICOMweb URL"),
    QT_TRANSLATE_NOOP("vigie::app::PacsNodesDialog", "OAuth token file (DICOMweb)"),
    QT_TRANSLATE_NOOP("vigie::app::PacsNodesDialog", "TLS authorities (PEM)"),
    QT_TRANSLATE_NOOP("vigie::app::PacsNodesDialog", "TLS certificate"),
    QT_TRANSLATE_NOOP("vigie::app::PacsNodesDialog", "TLS key")};

}  // namespace

PacsNodesDialog::PacsNodesDialog(const QString& nodesFile, QWidget* parent)
    : QDialog(parent),
      file_(nodesFile.isEmpty() ? QString::fromStdString(imaging::defaultNodesFile().string())
                                : nodesFile) {
  setWindowTitle(tr("PACS nodes"));
  table_ = new QTableWidget(0, Columns, this);
  table_->setObjectName("pacsNodes");
  QStringList headings;
  for (const char* heading : kHeadings) headings << tr(heading);
  table_->setHorizontalHeaderLabels(headings);
  table_->setSelectionBehavior(QAbstractItemView::SelectRows);
  table_->setSelectionMode(QAbstractItemView::SingleSelection);
  table_->horizontalHeader()->setStretchLastSection(true);
  status_ = new QLabel(this);
  status_->setWordWrap(true);
  status_->setObjectName("pacsNodesStatus");

  auto* add = new QPushButton(tr("&Add"), this);
  auto* remove = new QPushButton(tr("&Remove"), this);
  auto* testButton = new QPushButton(tr("&Test"), this);
  auto* saveButton = new QPushButton(tr("&Save"), this);
  auto* close = new QPushButton(tr("Close"), this);
  auto* buttons = new QHBoxLayout;
  for (auto* b : {add, remove, testButton}) buttons->addWidget(b);
  buttons->addStretch();
  buttons->addWidget(saveButton);
  buttons->addWidget(close);
  auto* layout = new QVBoxLayout(this);
  layout->addWidget(new QLabel(tr("Saved in %1. A node is either AE title, host and port "
                                  "(DICOM; TLS when its authorities are given) or a DICOMweb "
                                  "URL.")
                                   .arg(file_),
                               this));
  layout->addWidget(table_, 1);
  layout->addLayout(buttons);
  layout->addWidget(status_);
  resize(900, 360);

  connect(add, &QPushButton::clicked, this, [this] { table_->selectRow(addRow()); });
  connect(remove, &QPushButton::clicked, this, [this] { removeRow(table_->currentRow()); });
  connect(testButton, &QPushButton::clicked, this, [this] { test(table_->currentRow()); });
  connect(saveButton, &QPushButton::clicked, this, &PacsNodesDialog::save);
  connect(close, &QPushButton::clicked, this, &QDialog::accept);
  load();
}

void PacsNodesDialog::load() {
  auto nodes = imaging::readNodes(file_.toStdString());
  if (!nodes.ok()) {
    // Shown, and the file left as it is until the user saves over it.
    status_->setText(QString::fromStdString(nodes.error().message));
    return;
  }
  for (const auto& named : nodes.value()) {
    const int row = addRow();
    setCell(row, Name, QString::fromStdString(named.name));
    if (!named.url.empty()) {
      setCell(row, Url, QString::fromStdString(named.url));
      setCell(row, TokenFile, QString::fromStdString(named.tokenFile.string()));
      continue;
    }
    setCell(row, AeTitle, QString::fromStdString(named.node.aeTitle));
    setCell(row, Host, QString::fromStdString(named.node.host));
    setCell(row, Port, QString::number(named.node.port));
    if (named.node.tls.enabled) {
      setCell(row, TlsCa, QString::fromStdString(named.node.tls.trustedCertificates));
      setCell(row, TlsCertificate, QString::fromStdString(named.node.tls.certificate));
      setCell(row, TlsKey, QString::fromStdString(named.node.tls.privateKey));
    }
  }
  table_->resizeColumnsToContents();
  status_->setText(tr("%n node(s)", nullptr, rowCount()));
}

int PacsNodesDialog::addRow() {
  const int row = table_->rowCount();
  table_->insertRow(row);
  for (int c = 0; c < Columns; ++c) table_->setItem(row, c, new QTableWidgetItem);
  return row;
}

void PacsNodesDialog::setCell(int row, Column column, const QString& text) {
  if (auto* item = table_->item(row, column)) item->setText(text);
}

void PacsNodesDialog::removeRow(int row) {
  if (row >= 0 && row < table_->rowCount()) table_->removeRow(row);
}

QString PacsNodesDialog::cell(int row, Column column) const {
  const auto* item = table_->item(row, column);
  return item ? item->text().trimmed() : QString();
}

QString PacsNodesDialog::status() const { return status_->text(); }
int PacsNodesDialog::rowCount() const { return table_->rowCount(); }

bool PacsNodesDialog::save() {
  std::vector<imaging::NamedNode> nodes;
  std::set<QString> names;
  auto wrong = [this](int row, const QString& problem) {
    table_->selectRow(row);
    status_->setText(tr("Not saved: row %1: %2").arg(row + 1).arg(problem));
    return false;
  };
  for (int row = 0; row < table_->rowCount(); ++row) {
    imaging::NamedNode named;
    const QString name = cell(row, Name);
    if (name.isEmpty()) return wrong(row, tr("a node needs a name"));
    if (!names.insert(name).second) return wrong(row, tr("the name %1 is used twice").arg(name));
    named.name = name.toStdString();
    if (!cell(row, Url).isEmpty()) {
      auto web = imaging::DicomWebNode::parse(cell(row, Url).toStdString());
      if (!web.ok()) return wrong(row, QString::fromStdString(web.error().message));
      named.url = cell(row, Url).toStdString();
      named.tokenFile = cell(row, TokenFile).toStdString();
    } else {
      if (!cell(row, TokenFile).isEmpty())
        return wrong(row, tr("a token file goes with a DICOMweb URL"));
      auto node = imaging::DicomNode::parse(
          (cell(row, AeTitle) + "@" + cell(row, Host) + ":" + cell(row, Port)).toStdString());
      if (!node.ok()) return wrong(row, QString::fromStdString(node.error().message));
      named.node = node.value();
      imaging::TlsSettings& tls = named.node.tls;
      tls.trustedCertificates = cell(row, TlsCa).toStdString();
      tls.certificate = cell(row, TlsCertificate).toStdString();
      tls.privateKey = cell(row, TlsKey).toStdString();
      tls.enabled = !tls.trustedCertificates.empty();
      if (!tls.enabled && !(tls.certificate.empty() && tls.privateKey.empty()))
        return wrong(row, tr("TLS needs the authorities' PEM file"));
      if (tls.certificate.empty() != tls.privateKey.empty())
        return wrong(row, tr("a TLS certificate goes with its key"));
    }
    nodes.push_back(std::move(named));
  }
  auto written = imaging::writeNodes(file_.toStdString(), nodes);
  if (!written.ok()) {
    status_->setText(QString::fromStdString(written.error().message));
    return false;
  }
  table_->resizeColumnsToContents();
  status_->setText(
      tr("Saved %n node(s) in %1", nullptr, static_cast<int>(nodes.size())).arg(file_));
  Q_EMIT saved();
  return true;
}

void PacsNodesDialog::test(int row) {
  if (row < 0 || row >= table_->rowCount() || job_.busy()) return;
  // What the row says now, saved or not.
  const QString text = !cell(row, Url).isEmpty()
                           ? cell(row, Url)
                           : cell(row, AeTitle) + "@" + cell(row, Host) + ":" + cell(row, Port);
  imaging::AssociationSettings settings;
  if (!cell(row, TlsCa).isEmpty() && cell(row, Url).isEmpty()) {
    settings.tls.enabled = true;
    settings.tls.trustedCertificates = cell(row, TlsCa).toStdString();
    settings.tls.certificate = cell(row, TlsCertificate).toStdString();
    settings.tls.privateKey = cell(row, TlsKey).toStdString();
  }
  settings.connectTimeoutSeconds = 10;
  settings.dimseTimeoutSeconds = 20;
  auto opened = imaging::openArchive(text.toStdString(), settings);
  if (!opened.ok()) {
    status_->setText(QString::fromStdString(opened.error().message));
    Q_EMIT tested(false, status_->text());
    return;
  }
  std::shared_ptr<imaging::ArchiveClient> archive = std::move(opened.value());
  status_->setText(tr("Asking %1 ...").arg(QString::fromStdString(archive->describe())));
  job_.start([this, archive](const auto& token) {
    auto answered = archive->echo();
    token.post([this, archive, answered] {
      job_.finished();
      const QString message =
          answered.ok() ? tr("%1 answered").arg(QString::fromStdString(archive->describe()))
                        : QString::fromStdString(answered.error().message);
      status_->setText(message);
      Q_EMIT tested(answered.ok(), message);
    });
  });
}

}  // namespace vigie::app
