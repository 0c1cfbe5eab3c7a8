#pragma once

#include <QImage>
#include <QObject>
#include <QString>
#include <QStringList>
#include <atomic>
#include <memory>
#include <vector>

#include "BackgroundJob.h"
#include "vigie/core/CaseRecords.h"
#include "vigie/core/Volume.h"

namespace vigie::imaging {
struct PlanarImage;
}

namespace vigie::app {

/// Which series of a scan to load: a Series Instance UID and, for a series
/// that holds several stacks, which one (1-based). Empty: the largest.
struct SeriesKey {
  QString seriesUid;
  int stack = 1;
  bool empty() const { return seriesUid.isEmpty(); }
  bool operator==(const SeriesKey& other) const {
    return seriesUid == other.seriesUid && stack == other.stack;
  }
};

/// One series (or stack) of the scanned files, as the study browser lists it.
struct SeriesCard {
  SeriesKey key;
  QString patient;  ///< "NAME (ID)", for the screen only
  QString studyUid;
  QString studyDate;    ///< YYYY-MM-DD
  QString description;  ///< Series Description, "(stack k of n)" added when split
  QString modality;
  int images = 0;         ///< slices (frames of a multi-frame image count one each)
  bool loadable = false;  ///< a volume of two or more slices, or 2D images
  bool planar = false;    ///< shown as 2D images (radiographs, ultrasound, captures ...)
  QImage thumbnail;       ///< the middle image, grey, at most 96 pixels a side; null if undecodable
};

/// What a finished load hands to the GUI.
struct LoadedStudy {
  std::shared_ptr<const core::CtVolume> volume;  ///< null when the series is shown as 2D images
  /// The series' images for the 2D view (Instance Number order), when it is
  /// not a volume; empty otherwise.
  std::vector<std::shared_ptr<const imaging::PlanarImage>> planarImages;
  QString path;
  QString seriesDescription;
  QString studyUid;                 ///< Study Instance UID: the key of the reader's decisions
  QString seriesUid;                ///< Series Instance UID of the loaded series
  QString patientText;              ///< "NAME (ID), study YYYY-MM-DD", for the views' corner only
  core::CaseRecord caseRecord;      ///< the study as the worklist keeps it (no source yet)
  QString summary;                  ///< series, geometry, files: for the study panel
  QStringList problems;             ///< unreadable files and warnings, each naming the file
  std::vector<SeriesCard> catalog;  ///< every series found, in scan order
  SeriesKey shown;                  ///< the one loaded
};

/// Scans a file or folder and loads its largest CT series (or the one asked
/// for; with no volume in it, the largest series of 2D images) on a worker thread, so the GUI never
/// waits on the disk; the result lists every series found with a thumbnail, for the study browser.
/// Signals arrive on the GUI thread. One load at a time: starting another
/// cancels the first.
class StudyLoader : public QObject {
  Q_OBJECT
 public:
  explicit StudyLoader(QObject* parent = nullptr);

  void load(const QString& path, const SeriesKey& wanted = {});
  void cancel();
  bool busy() const { return job_.busy(); }

 Q_SIGNALS:
  void progress(int done, int total);
  /// The slice the axial view opens on, decoded before the rest (lung
  /// window, 8-bit; `pixelAspect` = row spacing / column spacing), so the
  /// reader sees the study while the series loads. Not sent for multi-frame
  /// series.
  void preview(const QImage& slice, double pixelAspect, int slices);
  void loaded(const vigie::app::LoadedStudy& study);
  void failed(const QString& message);

 private:
  BackgroundJob<StudyLoader> job_{this};
};

}  // namespace vigie::app

Q_DECLARE_METATYPE(vigie::app::LoadedStudy)
