#include "MeasurementsPanel.h"

#include <QKeyEvent>
#include <QLabel>
#include <QListWidget>
#include <QPushButton>
#include <QVBoxLayout>

#include "DisplayNames.h"
#include "vigie/core/RegionStatistics.h"

namespace vigie::app {
namespace {

QString label(const core::Measurement& m) {
  const QString note = QString::fromStdString(m.note);
  // The note is the store's (English, as exports carry it): only the words around it translate.
  if (m.kind == "length")
    return MeasurementsPanel::tr("Length %1 mm (%2)")
        .arg(DisplayNames::number(m.value, 1))
        .arg(note);
  //: A circular region of interest's measurement; %1: its statistics.
  return MeasurementsPanel::tr("ROI %1").arg(note);
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

void MeasurementsPanel::add(const core::Measurement& measurement) {
  measurements_.push_back(measurement);
  list_->addItem(label(measurement));
}

int MeasurementsPanel::count() const { return static_cast<int>(measurements_.size()); }

}  // namespace vigie::app
