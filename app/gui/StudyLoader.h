#pragma once

#include <QObject>
#include <QString>
#include <QStringList>
#include <atomic>
#include <memory>

#include "BackgroundJob.h"
#include "vigie/core/Volume.h"

namespace vigie::app {

/// What a finished load hands to the GUI.
struct LoadedStudy {
  std::shared_ptr<const core::CtVolume> volume;
  QString path;
  QString seriesDescription;
  QString studyUid;      ///< Study Instance UID: the key of the reader's decisions
  QString seriesUid;     ///< Series Instance UID of the loaded series
  QString patientText;   ///< "NAME (ID), study YYYY-MM-DD", for the views' corner only
  QString summary;       ///< series, geometry, files: for the study panel
  QStringList problems;  ///< unreadable files and warnings, each naming the file
};

/// Scans a file or folder and loads its largest CT series on a worker thread,
/// so the GUI never waits on the disk. Signals arrive on the GUI thread.
/// One load at a time: starting another cancels the first.
class StudyLoader : public QObject {
  Q_OBJECT
 public:
  explicit StudyLoader(QObject* parent = nullptr);

  void load(const QString& path);
  void cancel();
  bool busy() const { return job_.busy(); }

 Q_SIGNALS:
  void progress(int done, int total);
  void loaded(const vigie::app::LoadedStudy& study);
  void failed(const QString& message);

 private:
  BackgroundJob<StudyLoader> job_{this};
};

}  // namespace vigie::app

Q_DECLARE_METATYPE(vigie::app::LoadedStudy)
