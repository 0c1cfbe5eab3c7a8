#include "ReviewExporter.h"

#include "ReviewExport.h"
#include "SeriesChoice.h"
#include "vigie/imaging/dicom/DicomScanner.h"
#include "vigie/imaging/dicom/SourceSeries.h"

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
    return core::makeError(core::ErrorCode::NotFound, studyPath + ": the series is gone");
  auto source = imaging::describeSourceSeries(*series);
  if (!source.ok()) return source.error();
  auto store = core::ReviewStore::open(storeFile);  // one connection per thread
  if (!store.ok()) return store.error();
  return exportReview(source.value(), *store.value(), reader, outDir, VIGIE_VERSION);
}

}  // namespace

ReviewExporter::ReviewExporter(QObject* parent) : QObject(parent) {}

void ReviewExporter::exportStudy(const QString& studyPath, const QString& seriesUid,
                                 const QString& storeFile, const QString& reader,
                                 const QString& outDir) {
  job_.start([this, studyPath = studyPath.toStdString(), seriesUid = seriesUid.toStdString(),
              storeFile = storeFile.toStdString(), reader = reader.toStdString(),
              outDir = outDir.toStdString()](const auto& token) {
    auto result = exportOnWorker(studyPath, seriesUid, storeFile, reader, outDir);
    token.post([this, result = std::move(result)] {
      job_.finished();
      if (!result.ok()) {
        Q_EMIT failed(QString::fromStdString(result.error().message));
        return;
      }
      const ReviewExport& e = result.value();
      QString summary = QString("Exported %1 findings (%2 accepted) to %3")
                            .arg(e.findings)
                            .arg(e.accepted)
                            .arg(QString::fromStdString(e.report.parent_path().string()));
      Q_EMIT exported(summary);
    });
  });
}

}  // namespace vigie::app
