#pragma once

#include <QWidget>
#include <optional>
#include <vector>

#include "SliceViewport.h"
#include "vigie/core/ReviewStore.h"

class QListWidget;
class QPushButton;

namespace vigie::app {

/// A measurement as the reader drew it in a view.
struct DrawnMeasurement {
  SliceViewport::Tool kind = SliceViewport::Tool::Length;
  core::SlicePlane plane = core::SlicePlane::Axial;
  core::Vec3 a, b;  ///< LPS mm: the line's ends, or the circle's centre and a point on it
};

/// What a drawn measurement measures, as the review store keeps it: a length
/// in mm, or a circular ROI's mean HU with its SD, area and voxel count in
/// the note. The note starts with the plane ("axial: ..."), which is how a
/// stored measurement finds its view again.
core::Measurement measure(const DrawnMeasurement& drawn, const core::CtVolume& volume, int slice);
/// The slice of `plane` through `pointMm` (LPS): an index into the volume's
/// slices along that plane's axis.
int sliceThrough(const core::Vec3& pointMm, core::SlicePlane plane, const core::CtVolume& volume);
/// The drawing back from a stored measurement; nothing if it is not one of ours.
std::optional<DrawnMeasurement> drawingOf(const core::Measurement& stored);

/// The study's measurements, newest last; clicking one shows it in its view.
/// The selected one can be withdrawn (Withdraw, or Delete in the list): the
/// panel only asks, since the store keeps the history and says what stands.
class MeasurementsPanel : public QWidget {
  Q_OBJECT
 public:
  explicit MeasurementsPanel(QWidget* parent = nullptr);
  void clear();
  /// Lists a measurement, described in the reader's language from what it
  /// measures on `volume` (the study's CT; null: its stored note).
  void add(const core::Measurement& measurement, const core::CtVolume* volume = nullptr);
  int count() const;
  const core::Measurement& at(int row) const {
    return measurements_.at(static_cast<std::size_t>(row));
  }
  /// Selects a row, as a click does (-1: none).
  void select(int row);
  /// Asks for the selected measurement's withdrawal, as the button does.
  void withdrawSelected();

 Q_SIGNALS:
  void measurementSelected(const vigie::core::Measurement& measurement);
  void withdrawRequested(const vigie::core::Measurement& measurement);

 private:
  bool eventFilter(QObject* watched, QEvent* event) override;

  QListWidget* list_ = nullptr;
  QPushButton* withdraw_ = nullptr;
  std::vector<core::Measurement> measurements_;
};

}  // namespace vigie::app
