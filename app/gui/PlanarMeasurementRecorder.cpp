#include "PlanarMeasurementRecorder.h"

#include "DisplayNames.h"
#include "PlanarImageView.h"
#include "ProblemReporter.h"
#include "ReviewSession.h"
#include "vigie/imaging/dicom/PlanarImage.h"

namespace vigie::app {

PlanarMeasurementRecorder::PlanarMeasurementRecorder(PlanarImageView* view, ReviewSession* session,
                                                     ProblemReporter* problems, QObject* parent)
    : QObject(parent), view_(view), session_(session), problems_(problems) {
  connect(view_, &PlanarImageView::lengthDrawn, this, &PlanarMeasurementRecorder::record);
  connect(view_, &PlanarImageView::withdrawLengthRequested, this,
          &PlanarMeasurementRecorder::withdrawLatest);
}

void PlanarMeasurementRecorder::showStored() {
  std::vector<PlanarImageView::StoredLength> shown;
  const imaging::PlanarImage* image = view_->currentImage();
  if (image && session_->isOpen()) {
    auto stored = session_->imageMeasurements(image->studyInstanceUid, image->seriesInstanceUid);
    if (!stored.ok()) {
      problems_->report(stored.error());
    } else {
      for (const core::Measurement& m : stored.value()) {
        if (m.kind != "length" || m.pixelPoints.size() != 2) continue;
        shown.push_back({m.id, m.image->sopInstanceUid, m.image->frame - 1,
                         QPointF(m.pixelPoints[0].column, m.pixelPoints[0].row),
                         QPointF(m.pixelPoints[1].column, m.pixelPoints[1].row)});
      }
    }
  }
  view_->setStoredLengths(std::move(shown));
}

void PlanarMeasurementRecorder::record(QPointF fromPixel, QPointF toPixel) {
  const imaging::PlanarImage* image = view_->currentImage();
  if (!image || !session_->isOpen()) return;  // looking without a store records nothing
  if (image->studyInstanceUid.empty() || image->sopInstanceUid.empty()) {
    problems_->report(tr("The length was NOT saved: %1 has no Study or SOP Instance UID")
                          .arg(QString::fromStdString(image->file.filename().string())),
                      tr("The length was NOT saved (see Problems)"));
    return;
  }
  auto saved =
      session_->recordImageMeasurement(lengthOn(*image, view_->frame(), fromPixel, toPixel));
  if (!saved.ok()) {
    problems_->report(saved.error(), tr("The length was NOT saved (see Problems)"));
    return;
  }
  view_->addStoredLength(
      {saved.value(), image->sopInstanceUid, view_->frame(), fromPixel, toPixel});
  const imaging::PlanarLength length =
      image->length(fromPixel.x(), fromPixel.y(), toPixel.x(), toPixel.y());
  const bool calibrated = length.source != imaging::SpacingSource::None;
  Q_EMIT status(tr("Length %1 %2 saved")
                    .arg(DisplayNames::number(length.value, calibrated ? 1 : 0))
                    .arg(calibrated ? DisplayNames::spacingUnit(length.source) : tr("px")),
                5000);
}

void PlanarMeasurementRecorder::withdrawLatest() {
  const imaging::PlanarImage* image = view_->currentImage();
  const auto latest = view_->latestStoredLengthShown();
  if (!image || !latest || !session_->isOpen()) return;
  core::Measurement withdrawal =
      lengthOn(*image, view_->frame(), latest->fromPixel, latest->toPixel);
  withdrawal.withdraws = latest->id;
  auto saved = session_->recordImageMeasurement(withdrawal);
  if (!saved.ok()) {
    problems_->report(saved.error(), tr("The length was NOT withdrawn (see Problems)"));
    return;
  }
  view_->removeStoredLength(latest->id);
  Q_EMIT status(tr("Length withdrawn"), 5000);
}

core::Measurement PlanarMeasurementRecorder::lengthOn(const imaging::PlanarImage& image, int frame,
                                                      QPointF fromPixel, QPointF toPixel) {
  const imaging::PlanarLength length =
      image.length(fromPixel.x(), fromPixel.y(), toPixel.x(), toPixel.y());
  const bool calibrated = length.source != imaging::SpacingSource::None;
  core::Measurement m;
  m.studyUid = image.studyInstanceUid;
  m.seriesUid = image.seriesInstanceUid;
  m.kind = "length";
  m.image = core::ImageReference{image.sopClassUid, image.sopInstanceUid, frame + 1};
  m.pixelPoints = {{fromPixel.x(), fromPixel.y()}, {toPixel.x(), toPixel.y()}};
  m.value = length.value;
  m.unit = calibrated ? "mm" : "px";
  // Where the millimetres come from, as the label said it (English: the store is not the GUI).
  if (calibrated) {
    imaging::PlanarSpacing spacing;
    spacing.source = length.source;
    m.note = spacing.unitLabel();
  } else if (length.outsideRegions) {
    m.note = "px: not within one ultrasound region";
  }
  return m;
}

}  // namespace vigie::app
