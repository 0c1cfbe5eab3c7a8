#include "StudyLoader.h"

#include "CaseRegistration.h"

#include <algorithm>
#include <functional>
#include <variant>

#include "DisplayNames.h"
#include "QtImages.h"
#include "vigie/core/SliceImage.h"
#include "vigie/imaging/dicom/CtVolumeLoader.h"
#include "vigie/imaging/dicom/DicomScanner.h"
#include "vigie/imaging/dicom/PixelDecoder.h"
#include "vigie/imaging/dicom/PlanarImage.h"
#include "vigie/imaging/dicom/SeriesPresentation.h"

namespace vigie::app {
namespace {

constexpr int kThumbnailSide = 96;

int sliceCount(const imaging::DicomSeriesEntry& series) {
  int slices = 0;
  for (const auto& image : series.images) slices += std::max(1, image.frames);
  return slices;
}

/// Sample `p` of a decoded grey frame (8 or 16 bits, little-endian), as stored.
double storedSample(const imaging::DecodedPixels& d, const std::uint8_t* frame, std::size_t p) {
  if (d.bitsAllocated <= 8) return frame[p];
  const auto word = static_cast<std::uint16_t>(frame[2 * p] | (frame[2 * p + 1] << 8));
  return d.pixelRepresentation ? static_cast<std::int16_t>(word) : word;
}

/// A 2D series' thumbnail: its middle image's middle frame, in the file's
/// own window (or as the colours are).
QImage planarThumbnailOf(const imaging::DicomSeriesEntry& series) {
  auto image = imaging::loadPlanarImage(series.images[series.images.size() / 2].file);
  if (!image.ok()) return {};
  return toQImage(image.value().render(image.value().frames / 2))
      .scaled(kThumbnailSide, kThumbnailSide, Qt::KeepAspectRatio, Qt::SmoothTransformation);
}

/// The middle image of a series as a small grey picture, stretched between
/// its 1st and 99th percentiles (no window is known for every modality).
/// A null image when it cannot be decoded; the load reports that file anyway.
QImage thumbnailOf(const imaging::DicomSeriesEntry& series) {
  if (series.images.empty()) return {};
  const auto& header = series.images[series.images.size() / 2];
  auto decoded = imaging::decodeDicomPixels(header.file);
  if (!decoded.ok()) return {};
  const auto& d = decoded.value();
  if (d.samplesPerPixel != 1 || d.rows <= 0 || d.columns <= 0) return {};
  const std::size_t pixels = static_cast<std::size_t>(d.rows) * d.columns;
  const std::size_t frameBytes = pixels * (d.bitsAllocated <= 8 ? 1 : 2);
  const std::size_t frame = static_cast<std::size_t>(std::max(0, d.frames / 2));
  if (d.bytes.size() < (frame + 1) * frameBytes) return {};
  const std::uint8_t* raw = d.bytes.data() + frame * frameBytes;
  std::vector<float> values(pixels);
  for (std::size_t p = 0; p < pixels; ++p) values[p] = static_cast<float>(storedSample(d, raw, p));
  std::vector<float> sorted = values;
  const auto at = [&](double q) {
    auto nth = sorted.begin() + static_cast<std::ptrdiff_t>(q * (sorted.size() - 1));
    std::nth_element(sorted.begin(), nth, sorted.end());
    return *nth;
  };
  const float low = at(0.01), high = std::max(at(0.99), low + 1.0f);
  QImage image(d.columns, d.rows, QImage::Format_Grayscale8);
  for (int r = 0; r < d.rows; ++r) {
    uchar* line = image.scanLine(r);
    for (int c = 0; c < d.columns; ++c) {
      const float v = (values[static_cast<std::size_t>(r) * d.columns + c] - low) / (high - low);
      line[c] = static_cast<uchar>(std::clamp(v, 0.0f, 1.0f) * 255.0f);
    }
  }
  // A MONOCHROME1 image shows its lowest values white.
  if (d.photometric == "MONOCHROME1") image.invertPixels();
  return image.scaled(kThumbnailSide, kThumbnailSide, Qt::KeepAspectRatio,
                      Qt::SmoothTransformation);
}

/// The slice the axial view opens on (the middle one along the normal), in
/// HU under the lung window, 8-bit, and the ratio of its pixels' height to
/// width: shown while the rest of the series loads. Single-frame slices only
/// (a multi-frame file holds the whole series; its decode is the load).
struct SlicePreview {
  QImage image;
  double pixelAspect = 1.0;
};

SlicePreview previewOf(const imaging::DicomSeriesEntry& series) {
  auto layout = imaging::CtVolumeLoader::layout(series);
  if (!layout.ok() || layout.value().multiFrame || layout.value().slices.empty()) return {};
  const auto& slices = layout.value().slices;
  // The views open on slice count/2 of the sorted stack.
  const imaging::DicomImageHeader& header = *slices[slices.size() / 2].header;
  auto decoded = imaging::decodeDicomPixels(header.file);
  if (!decoded.ok()) return {};
  const auto& d = decoded.value();
  if (d.samplesPerPixel != 1 || d.bitsAllocated != 16 || d.frames != 1) return {};
  if (d.bytes.size() < static_cast<std::size_t>(d.rows) * d.columns * 2) return {};
  const core::HuWindow window = core::HuWindow::lung();
  const double low = window.center - 0.5 * window.width;
  QImage image(d.columns, d.rows, QImage::Format_Grayscale8);
  for (int r = 0; r < d.rows; ++r) {
    uchar* line = image.scanLine(r);
    for (int c = 0; c < d.columns; ++c) {
      const std::size_t p = static_cast<std::size_t>(r) * d.columns + c;
      const double hu =
          storedSample(d, d.bytes.data(), p) * header.rescaleSlope + header.rescaleIntercept;
      line[c] = static_cast<uchar>(std::clamp((hu - low) / window.width, 0.0, 1.0) * 255.0);
    }
  }
  return {image, header.rowSpacing / header.columnSpacing};
}

std::vector<SeriesCard> catalogOf(const imaging::DicomScanResult& result,
                                  const std::atomic<bool>& cancel) {
  std::vector<SeriesCard> cards;
  for (const auto& s : result.series) {
    if (cancel) break;
    SeriesCard card;
    card.key = {QString::fromStdString(s.seriesInstanceUid), s.stack};
    const auto& first = s.images.front();
    card.patient = QString("%1 (%2)").arg(
        QString::fromStdString(first.patientName).replace('^', ' ').trimmed(),
        QString::fromStdString(first.patientId));
    card.studyUid = QString::fromStdString(s.studyInstanceUid);
    card.studyDate = QString::fromStdString(first.studyDate);
    if (card.studyDate.size() == 8) {
      card.studyDate =
          card.studyDate.left(4) + "-" + card.studyDate.mid(4, 2) + "-" + card.studyDate.mid(6, 2);
    }
    card.description = QString::fromStdString(s.description);
    card.modality = QString::fromStdString(s.modality);
    card.images = sliceCount(s);
    card.planar = !imaging::presentationOf(s).volume;
    card.loadable = card.planar || card.images >= 2;
    card.thumbnail = card.planar ? planarThumbnailOf(s) : thumbnailOf(s);
    cards.push_back(std::move(card));
  }
  return cards;
}

/// "NAME (ID)\nstudy YYYY-MM-DD": the views' corner text.
QString patientTextOf(const imaging::DicomImageHeader& first) {
  QString date = QString::fromStdString(first.studyDate);
  if (date.size() == 8) date = date.left(4) + "-" + date.mid(4, 2) + "-" + date.mid(6, 2);
  //: The views' corner: the patient's name (ID), then the study's date.
  return StudyLoader::tr("%1 (%2)\nstudy %3")
      .arg(QString::fromStdString(first.patientName).replace('^', ' ').trimmed(),
           QString::fromStdString(first.patientId), date);
}

void describeSeries(const imaging::DicomSeriesEntry& series, LoadedStudy& study) {
  study.seriesDescription = QString::fromStdString(series.description);
  study.studyUid = QString::fromStdString(series.studyInstanceUid);
  study.seriesUid = QString::fromStdString(series.seriesInstanceUid);
  study.patientText = patientTextOf(series.images.front());
  study.caseRecord = ctCase(series, {}, {});
  study.shown = {study.seriesUid, series.stack};
}

/// A series for the 2D view: each image read (Instance Number order); one
/// that cannot be read is a problem naming it, and the others still show.
std::variant<LoadedStudy, QString> loadPlanarStudy(
    const QString& path, const imaging::DicomSeriesEntry& series,
    const imaging::DicomScanResult& result, const std::atomic<bool>& cancel,
    const std::function<void(int, int)>& onProgress) {
  std::vector<const imaging::DicomImageHeader*> order;
  for (const auto& h : series.images) order.push_back(&h);
  std::stable_sort(order.begin(), order.end(), [](const auto* a, const auto* b) {
    return a->instanceNumber < b->instanceNumber;
  });
  LoadedStudy study;
  study.path = path;
  describeSeries(series, study);
  for (std::size_t i = 0; i < order.size() && !cancel; ++i) {
    auto image = imaging::loadPlanarImage(order[i]->file);
    if (image.ok()) {
      study.planarImages.push_back(
          std::make_shared<const imaging::PlanarImage>(std::move(image.value())));
    } else {
      study.problems << QString::fromStdString(result.displayMessage(image.error().message));
    }
    onProgress(static_cast<int>(i + 1), static_cast<int>(order.size()));
  }
  if (cancel) return StudyLoader::tr("%1: loading cancelled").arg(path);
  if (study.planarImages.empty()) {
    return study.problems.isEmpty() ? StudyLoader::tr("%1: no image could be read").arg(path)
                                    : study.problems.front();
  }
  const auto& first = *study.planarImages.front();
  // A capture often has no Series Description: name it by its kind.
  if (study.seriesDescription.isEmpty())
    study.seriesDescription = QString::fromStdString(first.description);
  int frames = 0;
  for (const auto& image : study.planarImages) frames += image->frames;
  //: The study panel's summary of a 2D series: %1 its description; %2 its modality; %n its
  //: images; %3 their frames; %4 x %5 the image's size; %6 its calibration; %7 why it is shown
  //: as 2D images; %8 the series found in the folder.
  study.summary =
      StudyLoader::tr(
          "<b>%1</b><br>Modality %2, %n image(s), %3 frame(s)<br>%4 x %5 pixels, %6<br>"
          "shown as 2D images: %7<br>%8 series in folder",
          nullptr, static_cast<int>(study.planarImages.size()))
          .arg(study.seriesDescription.toHtmlEscaped())
          .arg(QString::fromStdString(series.modality))
          .arg(frames)
          .arg(first.columns)
          .arg(first.rows)
          .arg(DisplayNames::spacingUnit(first.spacing.source))
          .arg(QString::fromStdString(result.displayMessage(imaging::presentationOf(series).reason))
                   .toHtmlEscaped())
          .arg(result.series.size());
  for (const auto& u : result.unreadable) {
    study.problems << QString("%1: %2").arg(QString::fromStdString(u.file.string()),
                                            QString::fromStdString(u.reason));
  }
  study.catalog = catalogOf(result, cancel);
  return study;
}

/// Runs on the worker thread; returns the study or an error message.
std::variant<LoadedStudy, QString> loadStudy(
    const QString& path, const SeriesKey& wanted, const std::atomic<bool>& cancel,
    const std::function<void(int, int)>& onProgress,
    const std::function<void(const QImage&, double, int)>& onPreview) {
  auto scan = imaging::DicomScanner().scan(path.toStdString());
  if (!scan.ok()) return QString::fromStdString(scan.error().message);
  const auto& result = scan.value();
  const imaging::DicomSeriesEntry* chosen = nullptr;
  const imaging::DicomSeriesEntry* largestPlanar = nullptr;
  for (const auto& s : result.series) {
    const bool volume = imaging::presentationOf(s).volume;
    if (!wanted.empty()) {
      if (QString::fromStdString(s.seriesInstanceUid) == wanted.seriesUid &&
          s.stack == wanted.stack)
        chosen = &s;
    } else if (!volume) {
      if (!largestPlanar || sliceCount(s) > sliceCount(*largestPlanar)) largestPlanar = &s;
    } else if (sliceCount(s) >= 2 && (!chosen || sliceCount(s) > sliceCount(*chosen))) {
      chosen = &s;
    }
  }
  if (wanted.empty() && !chosen) chosen = largestPlanar;
  if (!wanted.empty() && !chosen)
    return StudyLoader::tr("%1: series %2 is not there any more").arg(path, wanted.seriesUid);
  if (chosen && !imaging::presentationOf(*chosen).volume)
    return loadPlanarStudy(path, *chosen, result, cancel, onProgress);
  if (!wanted.empty() && sliceCount(*chosen) < 2) {
    return StudyLoader::tr("%1: series %2 has a single image; a volume needs two or more slices")
        .arg(path, wanted.seriesUid);
  }
  if (!chosen) {
    //: %1: the file or folder opened; %2: the series found; %3, %4: the files skipped.
    return StudyLoader::tr(
               "%1: nothing to show: no volume of two or more slices and no 2D images (%2 series, "
               "%3 unreadable files, %4 "
               "non-DICOM files)")
        .arg(path)
        .arg(result.series.size())
        .arg(result.unreadable.size())
        .arg(result.skippedNonDicom);
  }
  if (const SlicePreview preview = previewOf(*chosen); !preview.image.isNull())
    onPreview(preview.image, preview.pixelAspect, sliceCount(*chosen));
  auto loaded = imaging::CtVolumeLoader().load(
      *chosen,
      [&](std::size_t done, std::size_t total) {
        onProgress(static_cast<int>(done), static_cast<int>(total));
      },
      &cancel);
  if (!loaded.ok()) return QString::fromStdString(result.displayMessage(loaded.error().message));

  LoadedStudy study;
  study.path = path;
  describeSeries(*chosen, study);
  const auto& g = loaded.value().volume.geometry();
  //: The study panel's summary of a CT series: %1 its description; %2 its modality; %n its
  //: images; %3 x %4 x %5 the volume's size; %6 x %7 x %8 its voxel spacing; %9 the series
  //: found in the folder.
  study.summary = StudyLoader::tr(
                      "<b>%1</b><br>Modality %2, %n images<br>%3 x %4 x %5 voxels<br>"
                      "spacing %6 x %7 x %8 mm<br>%9 series in folder",
                      nullptr, static_cast<int>(chosen->images.size()))
                      .arg(study.seriesDescription.toHtmlEscaped())
                      .arg(QString::fromStdString(chosen->modality))
                      .arg(g.size.i)
                      .arg(g.size.j)
                      .arg(g.size.k)
                      .arg(DisplayNames::number(g.spacing.x, 3, 'g'))
                      .arg(DisplayNames::number(g.spacing.y, 3, 'g'))
                      .arg(DisplayNames::number(g.spacing.z, 3, 'g'))
                      .arg(result.series.size());
  for (const auto& u : result.unreadable) {
    study.problems << QString("%1: %2").arg(QString::fromStdString(u.file.string()),
                                            QString::fromStdString(u.reason));
  }
  for (const auto& w : loaded.value().warnings)
    study.problems << QString::fromStdString(result.displayMessage(w));
  study.volume = std::make_shared<const core::CtVolume>(std::move(loaded.value().volume));
  study.catalog = catalogOf(result, cancel);
  return study;
}

}  // namespace

StudyLoader::StudyLoader(QObject* parent) : QObject(parent) { qRegisterMetaType<LoadedStudy>(); }

void StudyLoader::cancel() { job_.cancel(); }

void StudyLoader::load(const QString& path, const SeriesKey& wanted) {
  job_.start([this, path, wanted](const BackgroundJob<StudyLoader>::Token& token) {
    // `this` is only touched in posted functions, which run on the GUI thread
    // and only while this object exists.
    auto onProgress = [this, token](int done, int total) {
      token.post([this, done, total] { Q_EMIT progress(done, total); });
    };
    auto onPreview = [this, token](const QImage& slice, double pixelAspect, int slices) {
      token.post(
          [this, slice, pixelAspect, slices] { Q_EMIT preview(slice, pixelAspect, slices); });
    };
    auto outcome = loadStudy(path, wanted, token.flag(), onProgress, onPreview);
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
