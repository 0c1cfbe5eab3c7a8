#include "ReviewExporter.h"

#include <QDateTime>
#include <QSettings>
#include <QStandardPaths>

#include "ReviewExport.h"
#include "ReviewSession.h"
#include "SeriesChoice.h"
#include "vigie/imaging/dicom/DicomScanner.h"
#include "vigie/imaging/dicom/SeriesPresentation.h"
#include "vigie/imaging/dicom/SourceSeries.h"
#include "vigie/imaging/net/ArchiveClient.h"

namespace vigie::app {
namespace {

core::Result<ReviewExport> exportOnWorker(const std::string& studyPath,
                                          const std::string& seriesUid,
                                          const std::string& storeFile, const std::string& reader,
                                          const std::string& outDir) {
  auto scan = imaging::DicomScanner().scan(studyPath);
  if (!scan.ok()) return scan.error();
  const auto* series = chooseSeries(scan.value(), seriesUid);
  if (!series)
    return core::makeError(core::ErrorCode::NotFound, ReviewExporter::tr("%1: the series is gone")
                                                          .arg(QString::fromStdString(studyPath))
                                                          .toStdString());
  // A radiograph, an ultrasound loop or a scout: the lengths drawn on its images.
  const bool planar = !imaging::presentationOf(*series).volume;
  auto source =
      planar ? imaging::describeSourceImages(*series) : imaging::describeSourceSeries(*series);
  if (!source.ok()) return source.error();
  auto store = core::ReviewStore::open(storeFile);  // one connection per thread
  if (!store.ok()) return store.error();
  if (planar)
    return exportPlanarReview(source.value(), *store.value(), reader, outDir, VIGIE_VERSION);
  return exportReview(source.value(), *store.value(), reader, outDir, VIGIE_VERSION);
}

/// Sends what the export wrote to the node; a message saying what went wrong, else empty.
std::string storeOnNode(const ReviewExport& e, const std::string& node,
                        const std::string& ourAeTitle) {
  imaging::AssociationSettings settings;
  settings.ourAeTitle = ourAeTitle;
  auto archive = imaging::openArchive(node, settings);
  if (!archive.ok()) return archive.error().message;
  std::vector<std::filesystem::path> files = {e.report};
  if (!e.segmentation.empty()) files.push_back(e.segmentation);
  auto stored = archive.value()->store(files);
  if (!stored.ok()) return stored.error().message;
  std::string problems;
  for (const auto& p : stored.value().problems) problems += (problems.empty() ? "" : "; ") + p;
  return problems;
}

}  // namespace

ReviewExporter::ReviewExporter(QObject* parent) : QObject(parent) {}

void ReviewExporter::exportStudy(const QString& studyPath, const QString& seriesUid,
                                 const QString& storeFile, const QString& reader,
                                 const QString& outDir, const QString& sendTo,
                                 const QString& ourAeTitle) {
  job_.start([this, studyPath = studyPath.toStdString(), seriesUid = seriesUid.toStdString(),
              storeFile = storeFile.toStdString(), reader = reader.toStdString(),
              outDir = outDir.toStdString(), sendTo = sendTo.toStdString(),
              ourAeTitle = ourAeTitle.toStdString()](const auto& token) {
    auto result = exportOnWorker(studyPath, seriesUid, storeFile, reader, outDir);
    const std::string sendProblem =
        result.ok() && !sendTo.empty() ? storeOnNode(result.value(), sendTo, ourAeTitle) : "";
    token.post([this, result = std::move(result), sendTo, sendProblem] {
      job_.finished();
      if (!result.ok()) {
        Q_EMIT failed(QString::fromStdString(result.error().message));
        return;
      }
      const ReviewExport& e = result.value();
      const int findings = static_cast<int>(e.findings);
      const QString folder = QString::fromStdString(e.report.parent_path().string());
      const QString node = QString::fromStdString(sendTo);
      if (e.planar) {
        //: %1: the folder; %n: lengths drawn on 2D images (radiographs, ultrasound ...).
        const QString written =
            tr("Exported %n lengths on 2D images to %1", nullptr, int(e.measurements)).arg(folder);
        if (!sendProblem.empty()) {
          //: %1: what was exported; %2: the PACS; %3: what went wrong.
          Q_EMIT failed(tr("%1; sending to %2 failed: %3")
                            .arg(written, node, QString::fromStdString(sendProblem)));
        } else {
          //: %1: what was exported; %2: the PACS.
          Q_EMIT exported(sendTo.empty() ? written : tr("%1 and sent to %2").arg(written, node));
        }
        return;
      }
      if (!sendTo.empty() && !sendProblem.empty()) {
        //: %1: findings accepted by the readers, of %n; %2: the folder; %3: the PACS;
        //: %4: what went wrong.
        Q_EMIT failed(tr("Exported %n findings (%1 accepted) to %2; sending to %3 failed: %4",
                         nullptr, findings)
                          .arg(e.accepted)
                          .arg(folder, node, QString::fromStdString(sendProblem)));
        return;
      }
      if (sendTo.empty()) {
        //: %1: findings accepted by the readers, of %n; %2: the folder.
        Q_EMIT exported(tr("Exported %n findings (%1 accepted) to %2", nullptr, findings)
                            .arg(e.accepted)
                            .arg(folder));
      } else {
        //: %1: findings accepted by the readers, of %n; %2: the folder; %3: the PACS.
        Q_EMIT exported(
            tr("Exported %n findings (%1 accepted) to %2 and sent to %3", nullptr, findings)
                .arg(e.accepted)
                .arg(folder, node));
      }
    });
  });
}

void ReviewExporter::exportReview(const ReviewSession& session, const ReviewedSeries& series,
                                  const QString& outDir) {
  if (!session.isOpen() || series.studyPath.isEmpty()) {
    Q_EMIT failed(tr("Open a study and a review store first"));
    return;
  }
  exportStudy(series.studyPath, series.seriesUid, session.storeFile(), session.reader(), outDir);
}

void ReviewExporter::sendToPacs(ReviewSession& session, const ReviewedSeries& series) {
  const QSettings settings;
  const QString node = settings.value("pacs/node").toString();
  if (node.isEmpty()) {
    Q_EMIT failed(tr("No PACS chosen yet: File > Query/Retrieve names it"));
    return;
  }
  if (!session.isOpen() || series.studyPath.isEmpty()) {
    Q_EMIT failed(tr("Open a study and a review store first"));
    return;
  }
  // Each send its own outbox folder: an earlier send's files are never resent.
  const QString outbox = QStandardPaths::writableLocation(QStandardPaths::GenericCacheLocation) +
                         "/vigie/outbox/" +
                         QDateTime::currentDateTimeUtc().toString("yyyyMMdd-HHmmss-zzz");
  if (auto logged =
          session.audit("review sent to PACS", "study " + series.studyUid + " to " + node);
      !logged.ok()) {
    Q_EMIT failed(QString::fromStdString(logged.error().message));
    return;
  }
  exportStudy(series.studyPath, series.seriesUid, session.storeFile(), session.reader(), outbox,
              node, settings.value("pacs/aet", "VIGIE").toString());
}

}  // namespace vigie::app
