#pragma once

#include <QObject>
#include <QString>
#include <array>
#include <memory>
#include <utility>
#include <vector>

#include "MeasurementsPanel.h"
#include "OverlayColors.h"
#include "SliceViewport.h"
#include "vigie/core/ReviewOutcome.h"
#include "vigie/core/Volume.h"

class QImage;
class QWidget;

namespace vigie::app {

class ProblemReporter;
class ReviewSession;
class VolumeRenderView;

/// The CT tab's reading: the axial, coronal and sagittal views and the 3D
/// rendering of the open volume in a 2x2 grid, kept on one point (the linked
/// crosshair, Ctrl+click), one window and level, the model's heatmap and the
/// findings' markers, and the reader's measurements (recorded in the store
/// before they are listed). It knows nothing of menus: MainWindow places
/// views() and measurementsPanel() and calls in from its actions.
class CtReadingController : public QObject {
  Q_OBJECT
 public:
  /// `parent` owns the views' grid and the measurements panel and hosts the
  /// window dialog.
  CtReadingController(ReviewSession* session, ProblemReporter* problems, QWidget* parent);

  /// The 2x2 grid of views, for the CT tab.
  QWidget* views() const { return grid_; }
  MeasurementsPanel* measurementsPanel() const { return measurements_; }
  SliceViewport* viewport(core::SlicePlane plane) const;
  VolumeRenderView* volumeView() const { return volumeView_; }
  const std::shared_ptr<const core::CtVolume>& volume() const { return volume_; }
  bool hasVolume() const { return volume_ != nullptr; }

  /// The first slice of a series still loading, in the axial view.
  void showPreview(const QImage& slice, double pixelAspect, int slices);
  void clearPreview();
  /// Shows a loaded volume in every view, with the study's stored
  /// measurements; the crosshair goes to where the views meet.
  void showVolume(std::shared_ptr<const core::CtVolume> volume, const QString& caption,
                  const QString& cornerText);

  /// Sets window and level in every view (typed values, presets, a drag).
  void applyWindow(core::HuWindow window);
  /// Asks for window width and level in a dialog and applies them.
  void askWindow();
  /// The focused view (axial when none has the focus) alone, or all four.
  void setSingleView(bool single);
  void showCrosshair(bool shown);
  /// Every view back to its whole slice or whole volume.
  void resetViews();

  /// The point the three views meet at (their slices' intersection), LPS mm.
  core::Vec3 viewsIntersection() const;
  /// Moves every view to the slice through `pointMm`.
  void goToPoint(const core::Vec3& pointMm);

  /// The model's heatmap over every slice view (nothing: none).
  void setHeatmap(std::shared_ptr<const core::FloatVolume> heatmap);
  void setOverlayVisible(bool visible);
  void setOverlayColors(OverlayColors colors);
  void setOverlayOpacity(double opacity);
  /// A finding's marker in every slice view.
  void showMarker(const core::Vec3& centerMm, double diameterMm);
  void clearMarker();
  /// Rings around reference nodules in every slice view (none: cleared).
  void showReferenceNodules(const std::vector<std::pair<core::Vec3, double>>& nodules);
  /// The findings in 3D, coloured by the reader's decision.
  void showReviewedFindings(const std::vector<core::ReviewedFinding>& reviewed);

  /// What a left drag does in the slice views: window/level, or a measurement.
  void setMeasureTool(SliceViewport::Tool tool);
  /// Records a measurement drawn on the open CT (durable before it is
  /// listed) and keeps it on screen; false, with the reason in Problems,
  /// when it could not be saved.
  bool recordMeasurement(const DrawnMeasurement& drawn, int slice);
  /// Withdraws a standing measurement of the open study (an appended entry:
  /// the store keeps the history and audits it) and shows what stands; false,
  /// with the reason in Problems, when the store refused.
  bool withdrawMeasurement(const core::Measurement& standing);

 Q_SIGNALS:
  /// A line for the status bar, for `timeoutMs` (0: until replaced).
  void status(const QString& message, int timeoutMs);

 private:
  void buildViews();
  /// Lists and draws the open study's stored measurements.
  void showStoredMeasurements();
  void showMeasurement(const core::Measurement& stored);
  /// Shows the slice a listed measurement was drawn on.
  void goToMeasurement(const core::Measurement& measurement);
  /// Redraws the crosshair of every view where the other two cut it.
  void updateCrosshairs();

  ReviewSession* session_;
  ProblemReporter* problems_;
  QWidget* parentWidget_;
  QWidget* grid_ = nullptr;
  std::array<SliceViewport*, 3> viewports_{};
  VolumeRenderView* volumeView_ = nullptr;
  MeasurementsPanel* measurements_ = nullptr;
  std::shared_ptr<const core::CtVolume> volume_;
};

}  // namespace vigie::app
