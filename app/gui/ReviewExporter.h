#pragma once

#include <QObject>
#include <QString>

#include "BackgroundJob.h"

namespace vigie::app {

class ReviewSession;

/// The series a review is exported from: what was opened, the series in it
/// (the CT volume's, or the 2D series on screen) and their study.
struct ReviewedSeries {
  QString studyPath, seriesUid, studyUid;
};

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
  /// The session's review of `series` into `outDir`; failed() at once when
  /// no store or no series is open.
  void exportReview(const ReviewSession& session, const ReviewedSeries& series,
                    const QString& outDir);
  /// The same into Vigie's outbox, then sent by C-STORE to the PACS chosen in
  /// File > Query/Retrieve (the settings' `pacs/node`, as `pacs/aet`). That
  /// the review leaves the machine is audited, by study UID and node only.
  void sendToPacs(ReviewSession& session, const ReviewedSeries& series);
  bool busy() const { return job_.busy(); }

 Q_SIGNALS:
  void exported(const QString& summary);
  void failed(const QString& message);

 private:
  BackgroundJob<ReviewExporter> job_{this};
};

}  // namespace vigie::app
