#pragma once

#include <QObject>
#include <QString>

#include "BackgroundJob.h"

namespace vigie::app {

/// Writes the open study's review as DICOM (SR + SEG, see exportReview) on a
/// worker thread with its own review-store connection, so the GUI never waits
/// on the disk. Signals arrive on the GUI thread.
class ReviewExporter : public QObject {
  Q_OBJECT
 public:
  explicit ReviewExporter(QObject* parent = nullptr);

  /// `studyPath` is what was opened; `seriesUid` picks the series in it.
  /// With a `sendTo` node (AET@HOST:PORT or a configured name), the SR and
  /// SEG are then sent to it by C-STORE, as `ourAeTitle`.
  void exportStudy(const QString& studyPath, const QString& seriesUid, const QString& storeFile,
                   const QString& reader, const QString& outDir, const QString& sendTo = {},
                   const QString& ourAeTitle = "VIGIE");
  bool busy() const { return job_.busy(); }

 Q_SIGNALS:
  void exported(const QString& summary);
  void failed(const QString& message);

 private:
  BackgroundJob<ReviewExporter> job_{this};
};

}  // namespace vigie::app
