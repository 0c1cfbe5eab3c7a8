#include "StudyLoader.h"

#include <functional>
#include <variant>

#include "vigie/imaging/dicom/CtVolumeLoader.h"
#include "vigie/imaging/dicom/DicomScanner.h"

namespace vigie::app {
namespace {

/// Runs on the worker thread; returns the study or an error message.
std::variant<LoadedStudy, QString> loadStudy(const QString& path, const std::atomic<bool>& cancel,
                                             const std::function<void(int, int)>& onProgress) {
  auto scan = imaging::DicomScanner().scan(path.toStdString());
  if (!scan.ok()) return QString::fromStdString(scan.error().message);
  const auto& result = scan.value();
  const imaging::DicomSeriesEntry* chosen = nullptr;
  for (const auto& s : result.series) {
    if (s.images.size() >= 2 && (!chosen || s.images.size() > chosen->images.size())) chosen = &s;
  }
  if (!chosen) {
    return QString(
               "%1: no CT series with two or more slices found (%2 series, %3 unreadable files, %4 "
               "non-DICOM files)")
        .arg(path)
        .arg(result.series.size())
        .arg(result.unreadable.size())
        .arg(result.skippedNonDicom);
  }
  auto loaded = imaging::CtVolumeLoader().load(
      *chosen,
      [&](std::size_t done, std::size_t total) {
        onProgress(static_cast<int>(done), static_cast<int>(total));
      },
      &cancel);
  if (!loaded.ok()) return QString::fromStdString(result.displayMessage(loaded.error().message));

  LoadedStudy study;
  study.path = path;
  study.seriesDescription = QString::fromStdString(chosen->description);
  study.studyUid = QString::fromStdString(chosen->studyInstanceUid);
  study.seriesUid = QString::fromStdString(chosen->seriesInstanceUid);
  const auto& first = chosen->images.front();
  QString date = QString::fromStdString(first.studyDate);
  if (date.size() == 8) date = date.left(4) + "-" + date.mid(4, 2) + "-" + date.mid(6, 2);
  study.patientText =
      QString("%1 (%2)\nstudy %3")
          .arg(QString::fromStdString(first.patientName).replace('^', ' ').trimmed(),
               QString::fromStdString(first.patientId), date);
  const auto& g = loaded.value().volume.geometry();
  study.summary = QString(
                      "<b>%1</b><br>Modality %2, %3 images<br>%4 x %5 x %6 voxels<br>"
                      "spacing %7 x %8 x %9 mm<br>%10 series in folder")
                      .arg(study.seriesDescription.toHtmlEscaped())
                      .arg(QString::fromStdString(chosen->modality))
                      .arg(chosen->images.size())
                      .arg(g.size.i)
                      .arg(g.size.j)
                      .arg(g.size.k)
                      .arg(g.spacing.x, 0, 'g', 3)
                      .arg(g.spacing.y, 0, 'g', 3)
                      .arg(g.spacing.z, 0, 'g', 3)
                      .arg(result.series.size());
  for (const auto& u : result.unreadable) {
    study.problems << QString("%1: %2").arg(QString::fromStdString(u.file.string()),
                                            QString::fromStdString(u.reason));
  }
  for (const auto& w : loaded.value().warnings)
    study.problems << QString::fromStdString(result.displayMessage(w));
  study.volume = std::make_shared<const core::CtVolume>(std::move(loaded.value().volume));
  return study;
}

}  // namespace

StudyLoader::StudyLoader(QObject* parent) : QObject(parent) { qRegisterMetaType<LoadedStudy>(); }

void StudyLoader::cancel() { job_.cancel(); }

void StudyLoader::load(const QString& path) {
  job_.start([this, path](const BackgroundJob<StudyLoader>::Token& token) {
    // `this` is only touched in posted functions, which run on the GUI thread
    // and only while this object exists.
    auto onProgress = [this, token](int done, int total) {
      token.post([this, done, total] { Q_EMIT progress(done, total); });
    };
    auto outcome = loadStudy(path, token.flag(), onProgress);
    token.post([this, outcome = std::move(outcome)] {
      job_.finished();
      if (auto* study = std::get_if<LoadedStudy>(&outcome)) {
        Q_EMIT loaded(*study);
      } else {
        Q_EMIT failed(std::get<QString>(outcome));
      }
    });
  });
}

}  // namespace vigie::app
