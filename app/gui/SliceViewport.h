#pragma once

#include <QImage>
#include <array>
#include <memory>
#include <utility>
#include <vector>

#include <vtkSmartPointer.h>

#include "OverlayColors.h"
#include "ViewAnnotations.h"
#include "VtkOpenGLWidget.h"
#include "vigie/core/SliceImage.h"
#include "vigie/core/Volume.h"

class vtkActor;
class vtkLineSource;
class vtkImageStack;
class vtkRegularPolygonSource;
class vtkImageData;
class vtkImageSlice;
class vtkImageSliceMapper;
class vtkRenderer;

namespace vigie::app {

/// One 2D view (axial, coronal or sagittal) of a CT volume, rendered by VTK.
/// The VTK image wraps the volume's voxels without copying them.
///
/// Mouse: wheel = next/previous slice, Ctrl+wheel = zoom, Ctrl+click = move
/// the other views through that point, left drag =
/// window/level (or draws a length or a circular ROI, when that tool is
/// chosen), middle drag = pan, right drag = zoom.
/// Keys: Up/Down and PageUp/PageDown step slices, Home/End jump to the ends.
/// GUI thread only.
class SliceViewport : public VtkOpenGLWidget {
  Q_OBJECT
 public:
  explicit SliceViewport(core::SlicePlane plane, QWidget* parent = nullptr);
  ~SliceViewport() override;

  /// Shows `volume` (shared with the other views), at its middle slice.
  void setVolume(std::shared_ptr<const core::CtVolume> volume, const QString& caption);
  bool hasVolume() const { return volume_ != nullptr; }
  const std::shared_ptr<const core::CtVolume>& volume() const { return volume_; }

  core::SlicePlane plane() const { return plane_; }
  int slice() const { return slice_; }
  int sliceCount() const;
  /// Clamps to the valid range; emits sliceChanged when it moves.
  void setSlice(int index);

  core::HuWindow window() const { return window_; }
  void setWindow(core::HuWindow window);
  /// The upper-right corner's text (patient and study).
  void setCornerText(const QString& text);

  /// Shows `slice` (8-bit, as the DICOM file stores it; rows `pixelAspect`
  /// times as tall as columns are wide) in place of the view until the next
  /// setVolume: the first slice of a series that is still loading.
  void showPreview(const QImage& slice, double pixelAspect, const QString& caption);
  void clearPreview();
  bool showsPreview() const { return !preview_.isNull(); }

  /// Fits the whole slice in the view again.
  void resetCamera();

  /// A model heatmap (0..1, on the volume's grid) drawn over the image in a
  /// yellow-to-red colour map, transparent below 0.2. nullptr removes it.
  void setOverlay(std::shared_ptr<const core::FloatVolume> heatmap);
  void setOverlayVisible(bool visible);
  void setOverlayOpacity(double opacity);  ///< 0..1
  void setOverlayColors(OverlayColors colors);
  bool overlayVisible() const { return overlayVisible_; }

  /// Moves to the slice through `pointMm` (LPS) and rings it with a circle
  /// of `diameterMm`; the ring shows on slices that cut the finding.
  void showMarker(const core::Vec3& pointMm, double diameterMm);
  void clearMarker();

  /// Two thin lines through `pointMm` (LPS) across the slice: where the other
  /// views cut this one. Hidden by showCrosshair(false).
  void setCrosshair(const core::Vec3& pointMm);
  void showCrosshair(bool shown);
  bool crosshairShown() const { return crosshairShown_; }

  /// What a left drag does.
  enum class Tool { WindowLevel, Length, CircleRoi };
  void setTool(Tool tool);
  Tool tool() const { return tool_; }
  /// Keeps a measurement on screen: a line from `a` to `b` (Length) or a
  /// circle centred on `a` through `b` (CircleRoi), LPS mm, drawn on the
  /// slices through `a`.
  void addMeasurement(Tool kind, const core::Vec3& a, const core::Vec3& b);
  void clearMeasurements();
  /// Rings around reference nodules (a blind read's misses, when revealed),
  /// in their own colour, on the slices that cut each nodule.
  void showReferenceNodules(const std::vector<std::pair<core::Vec3, double>>& centersAndDiameters);
  void clearReferenceNodules();
  std::size_t referenceNoduleCount() const { return references_.size(); }
  std::size_t measurementCount() const { return measurements_.size(); }
  /// The patient position (LPS mm) under a pixel of this widget, on the
  /// current slice.
  core::Vec3 pointAt(const QPoint& pixel) const;

 Q_SIGNALS:
  void sliceChanged(int index);
  /// The reader changed window/level by dragging in this view.
  void windowEdited(vigie::core::HuWindow window);
  /// Ctrl+click: the reader wants every view through this point (LPS mm).
  void pointPicked(vigie::core::Vec3 pointMm);
  /// The reader finished drawing a measurement with the Length or CircleRoi tool.
  void measurementDrawn(vigie::app::SliceViewport::Tool kind, vigie::core::Vec3 a,
                        vigie::core::Vec3 b);

 protected:
  void wheelEvent(QWheelEvent* event) override;
  void keyPressEvent(QKeyEvent* event) override;
  void mousePressEvent(QMouseEvent* event) override;
  void mouseMoveEvent(QMouseEvent* event) override;
  void mouseReleaseEvent(QMouseEvent* event) override;

 private:
  void updateAnnotation();
  void paintOverlay(QPainter& painter) override;
  void updateMarkerVisibility();
  void updateMeasurementVisibility();
  void zoomBy(double factor);
  /// Patient-space position (LPS, mm) of the centre of the current slice.
  core::Vec3 slicePosition() const;

  core::SlicePlane plane_;
  std::shared_ptr<const core::CtVolume> volume_;
  QString caption_;
  QString cornerText_;
  int slice_ = 0;
  core::HuWindow window_ = core::HuWindow::lung();

  vtkSmartPointer<vtkRenderer> renderer_;
  vtkSmartPointer<vtkImageData> image_;
  vtkSmartPointer<vtkImageSliceMapper> mapper_;
  vtkSmartPointer<vtkImageSlice> actor_;
  ViewAnnotations annotations_;
  QImage preview_;
  double previewAspect_ = 1.0;
  QString previewCaption_;
  vtkSmartPointer<vtkImageStack> stack_;
  std::shared_ptr<const core::FloatVolume> heatmap_;
  vtkSmartPointer<vtkImageData> heatmapImage_;
  vtkSmartPointer<vtkImageSliceMapper> heatmapMapper_;
  vtkSmartPointer<vtkImageSlice> heatmapActor_;
  bool overlayVisible_ = true;
  vtkSmartPointer<vtkRegularPolygonSource> ring_;
  vtkSmartPointer<vtkActor> ringActor_;
  core::Vec3 markerMm_;
  double markerRadiusMm_ = 0;
  bool markerShown_ = false;

  /// A measurement's line or circle, lifted towards the viewer like the ring.
  struct MeasurementGraphic {
    Tool kind = Tool::Length;
    core::Vec3 a, b;
    vtkSmartPointer<vtkActor> actor;
  };
  MeasurementGraphic makeGraphic(Tool kind, const core::Vec3& a, const core::Vec3& b) const;
  std::vector<MeasurementGraphic> measurements_;
  /// Reference nodules' rings: `a` the centre, `b` a point on the sphere.
  std::vector<MeasurementGraphic> references_;
  void updateReferenceVisibility();
  MeasurementGraphic drawing_;  ///< the one being drawn, while the button is down
  Tool tool_ = Tool::WindowLevel;
  /// Made once and moved as slices change: scrolling must not rebuild actors.
  std::array<vtkSmartPointer<vtkLineSource>, 2> crosshairLines_;
  std::array<vtkSmartPointer<vtkActor>, 2> crosshair_;
  bool crosshairShown_ = true;
  bool crosshairPlaced_ = false;

  enum class Drag { None, WindowLevel, Pan, Zoom, Measure };
  Drag drag_ = Drag::None;
  QPoint dragStart_;
  core::HuWindow dragStartWindow_;
};

}  // namespace vigie::app
