#include "MeasurementsPanel.h"

#include <QKeyEvent>
#include <QLabel>
#include <QListWidget>
#include <QPushButton>
#include <QVBoxLayout>
#include <algorithm>
#include <cmath>

#include "DisplayNames.h"
#include "vigie/core/RegionStatistics.h"

namespace vigie::app {
namespace {

/// The list's line for a measurement, in the reader's language: what the
/// store's English note says, re-measured on `volume` (a circle's statistics
/// come out the same: the same voxels); the note itself when there is no
/// volume to measure on or the drawing is not one of ours.
QString label(const core::Measurement& m, const core::CtVolume* volume) {
  const auto drawn = drawingOf(m);
  const QString note = QString::fromStdString(m.note);
  if (!drawn || !volume) {
    if (m.kind == "length")
      return MeasurementsPanel::tr("Length %1 mm (%2)")
          .arg(DisplayNames::number(m.value, 1))
          .arg(note);
    //: A circular region of interest's measurement; %1: its statistics.
    return MeasurementsPanel::tr("ROI %1").arg(note);
  }
  const int slice = sliceThrough(drawn->a, drawn->plane, *volume);
  //: Where a measurement was drawn; %1: the view (Axial, Coronal, Sagittal); %2: the slice number.
  const QString where =
      MeasurementsPanel::tr("%1, slice %2").arg(DisplayNames::plane(drawn->plane)).arg(slice + 1);
  if (m.kind == "length")
    return MeasurementsPanel::tr("Length %1 mm (%2)")
        .arg(DisplayNames::number(m.value, 1))
        .arg(where);
  const double radius = core::distance(drawn->a, drawn->b);
  const auto stats = core::circleStatistics(
      *volume, drawn->plane, static_cast<std::size_t>(std::max(slice, 0)), drawn->a, radius);
  //: A circular ROI; %1: where (view, slice); %2 mean, %3 SD, %4 min, %5 max (HU);
  //: %6 its area; %7 its radius.
  return MeasurementsPanel::tr("ROI %1: mean %2 HU, SD %3 HU, min %4, max %5, %6 mm², radius %7 mm")
      .arg(where, DisplayNames::number(stats.meanHu, 1), DisplayNames::number(stats.sdHu, 1),
           DisplayNames::number(stats.minHu, 0), DisplayNames::number(stats.maxHu, 0),
           DisplayNames::number(stats.areaMm2, 1), DisplayNames::number(radius, 1));
}

}  // namespace

core::Measurement measure(const DrawnMeasurement& drawn, const core::CtVolume& volume, int slice) {
  core::Measurement m;
  m.pointsMm = {drawn.a, drawn.b};
  m.plane = drawn.plane;
  const std::string where = "slice " + std::to_string(slice + 1);
  if (drawn.kind == SliceViewport::Tool::Length) {
    m.kind = "length";
    m.unit = "mm";
    m.value = core::distance(drawn.a, drawn.b);
    m.note = std::string(core::toString(drawn.plane)) + ": " + where;
    return m;
  }
  const double radius = core::distance(drawn.a, drawn.b);
  const auto stats =
      core::circleStatistics(volume, drawn.plane, static_cast<std::size_t>(slice), drawn.a, radius);
  m.kind = "roi";
  m.unit = "[hnsf'U]";  // UCUM for Hounsfield units
  m.value = stats.meanHu;
  char text[200];
  std::snprintf(text, sizeof text,
                "%s: mean %.1f HU, SD %.1f HU, min %.0f, max %.0f, %.1f mm2, %zu voxels, radius "
                "%.1f mm, %s",
                core::toString(drawn.plane), stats.meanHu, stats.sdHu, stats.minHu, stats.maxHu,
                stats.areaMm2, stats.voxels, radius, where.c_str());
  m.note = text;
  return m;
}

int sliceThrough(const core::Vec3& pointMm, core::SlicePlane plane, const core::CtVolume& volume) {
  // The views' slices are the volume's index planes (axial: k, coronal: j, sagittal: i).
  const int axis = plane == core::SlicePlane::Axial     ? 2
                   : plane == core::SlicePlane::Coronal ? 1
                                                        : 0;
  return static_cast<int>(std::lround(volume.geometry().physicalToIndex(pointMm)[axis]));
}

std::optional<DrawnMeasurement> drawingOf(const core::Measurement& stored) {
  if (stored.pointsMm.size() != 2 || (stored.kind != "length" && stored.kind != "roi"))
    return std::nullopt;
  DrawnMeasurement drawn;
  drawn.kind =
      stored.kind == "length" ? SliceViewport::Tool::Length : SliceViewport::Tool::CircleRoi;
  drawn.a = stored.pointsMm[0];
  drawn.b = stored.pointsMm[1];
  if (!stored.plane) return std::nullopt;
  drawn.plane = *stored.plane;
  return drawn;
}

MeasurementsPanel::MeasurementsPanel(QWidget* parent) : QWidget(parent) {
  auto* layout = new QVBoxLayout(this);
  auto* hint = new QLabel(tr("D: length, O: circular ROI (mean/SD HU), Esc: window/level"), this);
  hint->setWordWrap(true);
  layout->addWidget(hint);
  list_ = new QListWidget(this);
  list_->installEventFilter(this);
  layout->addWidget(list_);
  withdraw_ = new QPushButton(tr("Withdraw"), this);
  withdraw_->setObjectName("withdrawMeasurement");
  withdraw_->setToolTip(
      tr("Withdraw the selected measurement (Delete): it leaves the views, the "
         "list and the exports; the review store keeps it in its history"));
  withdraw_->setEnabled(false);
  layout->addWidget(withdraw_);
  connect(withdraw_, &QPushButton::clicked, this, &MeasurementsPanel::withdrawSelected);
  connect(list_, &QListWidget::currentRowChanged, this, [this](int row) {
    const bool valid = row >= 0 && row < count();
    withdraw_->setEnabled(valid);
    if (valid) Q_EMIT measurementSelected(at(row));
  });
}

void MeasurementsPanel::select(int row) { list_->setCurrentRow(row); }

void MeasurementsPanel::withdrawSelected() {
  const int row = list_->currentRow();
  if (row >= 0 && row < count()) Q_EMIT withdrawRequested(at(row));
}

bool MeasurementsPanel::eventFilter(QObject* watched, QEvent* event) {
  if (watched == list_ && event->type() == QEvent::KeyPress) {
    const int key = static_cast<QKeyEvent*>(event)->key();
    if (key == Qt::Key_Delete || key == Qt::Key_Backspace) {
      withdrawSelected();
      return true;
    }
  }
  return QWidget::eventFilter(watched, event);
}

void MeasurementsPanel::clear() {
  measurements_.clear();
  list_->clear();
  withdraw_->setEnabled(false);
}

void MeasurementsPanel::add(const core::Measurement& measurement, const core::CtVolume* volume) {
  measurements_.push_back(measurement);
  list_->addItem(label(measurement, volume));
  // The store's own words (English, as the exports carry them), on hover.
  list_->item(list_->count() - 1)->setToolTip(QString::fromStdString(measurement.note));
}

int MeasurementsPanel::count() const { return static_cast<int>(measurements_.size()); }

}  // namespace vigie::app
