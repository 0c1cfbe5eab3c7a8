#include "PacsQueryDialog.h"

#include <QCompleter>
#include <QDir>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QProgressBar>
#include <QPushButton>
#include <QSettings>
#include <QSpinBox>
#include <QStandardPaths>
#include <QTableWidget>
#include <QVBoxLayout>
#include <algorithm>
#include <variant>

#include "PacsNodesDialog.h"
#include "vigie/imaging/net/ArchiveClient.h"

namespace vigie::app {
namespace {

/// The result table's columns: (heading, the match's keyword).
const std::pair<const char*, const char*> kColumns[] = {
    {QT_TRANSLATE_NOOP("vigie::app::PacsQueryDialog", "Date"), "StudyDate"},
    {QT_TRANSLATE_NOOP("vigie::app::PacsQueryDialog", "Patient"), "PatientName"},
    //: The patient's ID.
    {QT_TRANSLATE_NOOP("vigie::app::PacsQueryDialog", "ID"), "PatientID"},
    {QT_TRANSLATE_NOOP("vigie::app::PacsQueryDialog", "Modalities"), "ModalitiesInStudy"},
    {QT_TRANSLATE_NOOP("vigie::app::PacsQueryDialog", "Description"), "StudyDescription"},
    //: The number of series in the study.
    {QT_TRANSLATE_NOOP("vigie::app::PacsQueryDialog", "Series"), "NumberOfStudyRelatedSeries"},
    //: The number of images in the study.
    {QT_TRANSLATE_NOOP("vigie::app::PacsQueryDialog", "Images"), "NumberOfStudyRelatedInstances"},
};

/// The archive the user named: AET@HOST:PORT, a DICOMweb URL or a configured node's name.
core::Result<std::unique_ptr<imaging::ArchiveClient>> clientFor(const QString& nodeText,
                                                                const QString& aeTitle,
                                                                int cacheLimitMb = 0) {
  imaging::AssociationSettings settings;
  settings.ourAeTitle = aeTitle.trimmed().isEmpty() ? "VIGIE" : aeTitle.trimmed().toStdString();
  settings.cacheQuotaBytes = static_cast<std::uint64_t>(std::max(cacheLimitMb, 0)) * 1024 * 1024;
  return imaging::openArchive(nodeText.trimmed().toStdString(), settings);
}

}  // namespace

PacsQueryDialog::PacsQueryDialog(QWidget* parent) : QDialog(parent) {
  setWindowTitle(tr("Query/Retrieve from a PACS"));
  QSettings settings;
  node_ = new QLineEdit(settings.value("pacs/node").toString(), this);
  node_->setPlaceholderText(
      tr("ORTHANC@pacs.hospital.org:4242, https://pacs.hospital.org/dicom-web, or a "
         "configured node's name"));
  offerConfiguredNodes();
  ourAeTitle_ = new QLineEdit(settings.value("pacs/aet", "VIGIE").toString(), this);
  cacheLimit_ = new QSpinBox(this);
  cacheLimit_->setObjectName("pacsCacheLimit");
  cacheLimit_->setRange(0, 10'000'000);
  cacheLimit_->setSuffix(tr(" MB"));
  cacheLimit_->setSpecialValueText(tr("no limit"));
  cacheLimit_->setValue(settings.value("pacs/cacheLimitMb", 0).toInt());
  cacheLimit_->setToolTip(
      tr("Retrieval stops once the cache folder holds this much: the disk does not fill up"));
  connect(cacheLimit_, &QSpinBox::valueChanged, this,
          [](int megabytes) { QSettings().setValue("pacs/cacheLimitMb", megabytes); });
  patientName_ = new QLineEdit(this);
  patientName_->setPlaceholderText(tr("DOE^J*  (* and ? match anything)"));
  patientId_ = new QLineEdit(this);
  dates_ = new QLineEdit(this);
  dates_->setPlaceholderText(tr("20250101-20251231, or one day"));
  modality_ = new QLineEdit(this);
  modality_->setPlaceholderText(tr("CT, OP ..."));
  auto* form = new QFormLayout;
  form->addRow(tr("PACS (AET@host:port, DICOMweb URL or name)"), node_);
  form->addRow(tr("Vigie's AE title"), ourAeTitle_);
  form->addRow(tr("Cache limit"), cacheLimit_);
  form->addRow(tr("Patient name"), patientName_);
  form->addRow(tr("Patient ID"), patientId_);
  form->addRow(tr("Study date"), dates_);
  form->addRow(tr("Modality"), modality_);

  results_ = new QTableWidget(0, static_cast<int>(std::size(kColumns)), this);
  results_->setObjectName("pacsResults");
  QStringList headings;
  for (const auto& column : kColumns) headings << tr(column.first);
  results_->setHorizontalHeaderLabels(headings);
  results_->setSelectionBehavior(QAbstractItemView::SelectRows);
  results_->setSelectionMode(QAbstractItemView::SingleSelection);
  results_->setEditTriggers(QAbstractItemView::NoEditTriggers);
  results_->horizontalHeader()->setStretchLastSection(true);
  results_->setSortingEnabled(true);

  searchButton_ = new QPushButton(tr("&Search"), this);
  searchButton_->setDefault(true);
  retrieveButton_ = new QPushButton(tr("&Retrieve and open"), this);
  retrieveButton_->setEnabled(false);
  cancelButton_ = new QPushButton(tr("Cancel"), this);
  cancelButton_->setEnabled(false);
  progress_ = new QProgressBar(this);
  progress_->setVisible(false);
  status_ = new QLabel(this);
  status_->setWordWrap(true);
  status_->setObjectName("pacsStatus");

  auto* buttons = new QHBoxLayout;
  buttons->addWidget(searchButton_);
  buttons->addWidget(retrieveButton_);
  buttons->addWidget(cancelButton_);
  buttons->addStretch();
  auto* nodesButton = new QPushButton(tr("&Nodes..."), this);
  nodesButton->setToolTip(tr("The site's PACS and DICOMweb nodes, by name"));
  buttons->addWidget(nodesButton);
  auto* layout = new QVBoxLayout(this);
  layout->addLayout(form);
  layout->addLayout(buttons);
  layout->addWidget(results_, 1);
  layout->addWidget(progress_);
  layout->addWidget(status_);
  resize(820, 520);

  connect(nodesButton, &QPushButton::clicked, this, [this] {
    PacsNodesDialog nodes(QString(), this);
    connect(&nodes, &PacsNodesDialog::saved, this, &PacsQueryDialog::offerConfiguredNodes);
    nodes.exec();
  });
  connect(searchButton_, &QPushButton::clicked, this, &PacsQueryDialog::search);
  connect(retrieveButton_, &QPushButton::clicked, this, &PacsQueryDialog::retrieve);
  connect(cancelButton_, &QPushButton::clicked, this, &PacsQueryDialog::cancel);
  connect(results_, &QTableWidget::itemSelectionChanged, this, [this] {
    retrieveButton_->setEnabled(!job_.busy() && !results_->selectedItems().isEmpty());
  });
  connect(results_, &QTableWidget::cellDoubleClicked, this, [this](int, int) { retrieve(); });
}

void PacsQueryDialog::offerConfiguredNodes() {
  // The site's configured nodes (the nodes file), offered by name.
  QStringList names;
  if (auto nodes = imaging::readNodes(imaging::defaultNodesFile()); nodes.ok())
    for (const auto& named : nodes.value()) names << QString::fromStdString(named.name);
  delete node_->completer();
  node_->setCompleter(new QCompleter(names, node_));
}

QString PacsQueryDialog::cacheFolder() {
  return QStandardPaths::writableLocation(QStandardPaths::GenericCacheLocation) + "/vigie/pacs";
}

void PacsQueryDialog::setNode(const QString& node) { node_->setText(node); }
void PacsQueryDialog::setPatientName(const QString& pattern) { patientName_->setText(pattern); }
int PacsQueryDialog::resultCount() const { return results_->rowCount(); }

QString PacsQueryDialog::studyUidAt(int row) const {
  const QTableWidgetItem* item = results_->item(row, 0);
  return item ? item->data(Qt::UserRole).toString() : QString();
}

void PacsQueryDialog::selectRow(int row) { results_->selectRow(row); }

void PacsQueryDialog::setBusy(bool busy, const QString& status) {
  searchButton_->setEnabled(!busy);
  retrieveButton_->setEnabled(!busy && !results_->selectedItems().isEmpty());
  cancelButton_->setEnabled(busy);
  progress_->setVisible(busy);
  status_->setText(status);
}

void PacsQueryDialog::search() {
  auto client = clientFor(node_->text(), ourAeTitle_->text());
  if (!client.ok()) {
    status_->setText(QString::fromStdString(client.error().message));
    Q_EMIT searchFinished(0, status_->text());
    return;
  }
  QSettings settings;
  settings.setValue("pacs/node", node_->text().trimmed());
  settings.setValue("pacs/aet", ourAeTitle_->text().trimmed());
  imaging::PacsQuery query;
  query.patientName = patientName_->text().trimmed().toStdString();
  query.patientId = patientId_->text().trimmed().toStdString();
  query.studyDate = dates_->text().trimmed().toStdString();
  query.modality = modality_->text().trimmed().toStdString();
  progress_->setRange(0, 0);  // busy, no count yet
  setBusy(true, tr("Searching %1 ...").arg(node_->text().trimmed()));
  std::shared_ptr<imaging::ArchiveClient> archive = std::move(client.value());
  job_.start([this, archive, query](const auto& token) {
    auto found = archive->find(query);
    token.post([this, found = std::move(found)] {
      job_.finished();
      results_->setSortingEnabled(false);
      results_->setRowCount(0);
      if (!found.ok()) {
        setBusy(false, QString::fromStdString(found.error().message));
        Q_EMIT searchFinished(0, status_->text());
        return;
      }
      for (const auto& match : found.value()) {
        const int row = results_->rowCount();
        results_->insertRow(row);
        for (int c = 0; c < static_cast<int>(std::size(kColumns)); ++c) {
          const auto it = match.find(kColumns[c].second);
          QString text = it == match.end() ? QString() : QString::fromStdString(it->second);
          if (c == 1) text.replace('^', ' ');
          auto* item = new QTableWidgetItem(text);
          if (c == 0) {
            const auto uid = match.find("StudyInstanceUID");
            item->setData(Qt::UserRole,
                          uid == match.end() ? QString() : QString::fromStdString(uid->second));
          }
          results_->setItem(row, c, item);
        }
      }
      results_->setSortingEnabled(true);
      results_->resizeColumnsToContents();
      const int found = results_->rowCount();
      setBusy(false, found == 1 ? tr("1 study found") : tr("%n studies found", nullptr, found));
      Q_EMIT searchFinished(found, {});
    });
  });
}

void PacsQueryDialog::setCacheLimitMb(int megabytes) { cacheLimit_->setValue(megabytes); }

int PacsQueryDialog::cacheLimitMb() const { return cacheLimit_->value(); }

void PacsQueryDialog::retrieve() {
  const auto selected = results_->selectionModel()->selectedRows();
  if (selected.isEmpty() || job_.busy()) return;
  const QString studyUid = studyUidAt(selected.front().row());
  auto client = clientFor(node_->text(), ourAeTitle_->text(), cacheLimit_->value());
  if (!client.ok()) {
    Q_EMIT retrieveFailed(QString::fromStdString(client.error().message));
    return;
  }
  const QString cache = cacheFolder();
  progress_->setRange(0, 0);
  setBusy(true, tr("Retrieving study %1 ...").arg(studyUid));
  std::shared_ptr<imaging::ArchiveClient> archive = std::move(client.value());
  job_.start([this, archive, studyUid, cache](const auto& token) {
    auto onProgress = [this, token](int done, int total) {
      token.post([this, done, total] {
        progress_->setRange(0, total);
        progress_->setValue(done);
        status_->setText(total > 0 ? tr("Retrieving: %1 of %n objects", nullptr, total).arg(done)
                                   : tr("Retrieving: %n objects", nullptr, done));
      });
    };
    auto report = archive->get(studyUid.toStdString(), std::nullopt, cache.toStdString(),
                               onProgress, &token.flag());
    token.post(
        [this, report = std::move(report), studyUid, cache] {
          job_.finished();
          if (!report.ok()) {
            setBusy(false, QString::fromStdString(report.error().message));
            Q_EMIT retrieveFailed(status_->text());
            return;
          }
          QStringList problems;
          for (const auto& p : report.value().problems) problems << QString::fromStdString(p);
          const int received = static_cast<int>(report.value().received.size());
          if (problems.isEmpty()) {
            setBusy(false, tr("%n objects retrieved", nullptr, received));
          } else {
            //: %1: what went wrong, separated by "; ".
            setBusy(false,
                    tr("%n objects retrieved; %1", nullptr, received).arg(problems.join("; ")));
          }
          if (report.value().received.empty()) {
            Q_EMIT retrieveFailed(status_->text());
            return;
          }
          // The client names the study's folder by its UID (checked above by the client).
          Q_EMIT studyRetrieved(QDir(cache).filePath(studyUid), problems.join("\n"));
        },
        true);
  });
}

void PacsQueryDialog::cancel() {
  job_.cancel();
  setBusy(false, tr("Cancelled"));
}

}  // namespace vigie::app
