#include "SliceViewport.h"

#include <QPainter>

#include "DisplayNames.h"
#include "VtkImages.h"

#include <vtkActor.h>
#include <vtkCamera.h>
#include <vtkFloatArray.h>
#include <vtkGenericOpenGLRenderWindow.h>
#include <vtkImageData.h>
#include <vtkImageProperty.h>
#include <vtkImageSlice.h>
#include <vtkImageSliceMapper.h>
#include <vtkImageStack.h>
#include <vtkLineSource.h>
#include <vtkLookupTable.h>
#include <vtkMath.h>
#include <vtkPointData.h>
#include <vtkPolyDataMapper.h>
#include <vtkProperty.h>
#include <vtkRegularPolygonSource.h>
#include <vtkRenderer.h>
#include <vtkShortArray.h>

#include <QKeyEvent>
#include <QMouseEvent>
#include <QWheelEvent>
#include <algorithm>
#include <cmath>

namespace vigie::app {
namespace {

/// VTK's slice-mapper orientation for a plane: the index axis it cuts across.
int mapperOrientation(core::SlicePlane plane) {
  switch (plane) {
    case core::SlicePlane::Axial:
      return 2;
    case core::SlicePlane::Coronal:
      return 1;
    case core::SlicePlane::Sagittal:
      return 0;
  }
  return 2;
}

/// The heatmap's colours: transparent below 0.2, then along the map, more
/// opaque as the probability rises.
vtkSmartPointer<vtkLookupTable> lookupTableOf(OverlayColors map) {
  auto table = vtkSmartPointer<vtkLookupTable>::New();
  table->SetNumberOfTableValues(256);
  table->SetRange(0.0, 1.0);
  for (int n = 0; n < 256; ++n) {
    const double v = n / 255.0;
    const double alpha = v < 0.2 ? 0.0 : 0.35 + 0.6 * (v - 0.2) / 0.8;
    const double t = std::clamp((v - 0.2) / 0.8, 0.0, 1.0);
    switch (map) {
      case OverlayColors::YellowRed:
        table->SetTableValue(n, 1.0, 1.0 - 0.85 * v, 0.1 * (1 - v), alpha);
        break;
      case OverlayColors::Rainbow: {
        // Hue from blue (240 degrees) to red (0).
        double rgb[3];
        vtkMath::HSVToRGB((1.0 - t) * 2.0 / 3.0, 1.0, 1.0, rgb, rgb + 1, rgb + 2);
        table->SetTableValue(n, rgb[0], rgb[1], rgb[2], alpha);
        break;
      }
      case OverlayColors::Green:
        table->SetTableValue(n, 0.2 * t, 0.55 + 0.45 * t, 0.2 * t, alpha);
        break;
    }
  }
  table->Build();
  return table;
}

}  // namespace

SliceViewport::SliceViewport(core::SlicePlane plane, QWidget* parent)
    : VtkOpenGLWidget(parent),
      plane_(plane),
      renderer_(vtkSmartPointer<vtkRenderer>::New()),
      image_(vtkSmartPointer<vtkImageData>::New()),
      mapper_(vtkSmartPointer<vtkImageSliceMapper>::New()),
      actor_(vtkSmartPointer<vtkImageSlice>::New()),
      stack_(vtkSmartPointer<vtkImageStack>::New()),
      heatmapMapper_(vtkSmartPointer<vtkImageSliceMapper>::New()),
      heatmapActor_(vtkSmartPointer<vtkImageSlice>::New()),
      ring_(vtkSmartPointer<vtkRegularPolygonSource>::New()),
      ringActor_(vtkSmartPointer<vtkActor>::New()) {
  renderer_->SetBackground(0, 0, 0);
  renderWindow()->AddRenderer(renderer_);
  mapper_->SetOrientation(mapperOrientation(plane));
  actor_->SetMapper(mapper_);
  actor_->GetProperty()->SetInterpolationTypeToLinear();
  actor_->GetProperty()->SetLayerNumber(0);
  stack_->SetActiveLayer(0);
  renderer_->AddViewProp(stack_);
  // Warm-up: the empty view draws a blank image under a blank overlay, so
  // the window's first paint (at start-up, when nobody waits) compiles the
  // shaders that a study's first frame would otherwise compile while the
  // reader waits for it (50 to 120 ms a view on software OpenGL).
  mapper_->SetInputData(blankImage<vtkShortArray>(-1024));
  stack_->AddImage(actor_);

  heatmapMapper_->SetOrientation(mapperOrientation(plane));
  heatmapActor_->SetMapper(heatmapMapper_);
  heatmapActor_->GetProperty()->SetLookupTable(lookupTableOf(OverlayColors::YellowRed));
  heatmapActor_->GetProperty()->UseLookupTableScalarRangeOn();
  heatmapActor_->GetProperty()->SetInterpolationTypeToLinear();
  heatmapActor_->GetProperty()->SetLayerNumber(1);
  heatmapActor_->GetProperty()->SetOpacity(0.7);
  heatmapMapper_->SetInputData(blankImage<vtkFloatArray>(0.0));
  stack_->AddImage(heatmapActor_);

  ring_->GeneratePolygonOff();
  ring_->SetNumberOfSides(48);
  auto ringMapper = vtkSmartPointer<vtkPolyDataMapper>::New();
  ringMapper->SetInputConnection(ring_->GetOutputPort());
  ringActor_->SetMapper(ringMapper);
  ringActor_->GetProperty()->SetColor(0.2, 1.0, 0.4);
  ringActor_->GetProperty()->SetLineWidth(2.0);
  ringActor_->SetVisibility(false);
  renderer_->AddActor(ringActor_);
  for (std::size_t n = 0; n < crosshair_.size(); ++n) {
    crosshairLines_[n] = vtkSmartPointer<vtkLineSource>::New();
    auto mapper = vtkSmartPointer<vtkPolyDataMapper>::New();
    mapper->SetInputConnection(crosshairLines_[n]->GetOutputPort());
    crosshair_[n] = vtkSmartPointer<vtkActor>::New();
    crosshair_[n]->SetMapper(mapper);
    crosshair_[n]->GetProperty()->SetColor(0.3, 0.8, 1.0);
    crosshair_[n]->GetProperty()->SetLineWidth(1.0);
    crosshair_[n]->GetProperty()->SetOpacity(0.6);
    crosshair_[n]->SetVisibility(false);
    renderer_->AddActor(crosshair_[n]);
  }
  setMinimumSize(160, 160);
}

SliceViewport::~SliceViewport() = default;

int SliceViewport::sliceCount() const {
  return volume_ ? static_cast<int>(core::sliceCount(volume_->geometry(), plane_)) : 0;
}

void SliceViewport::setVolume(std::shared_ptr<const core::CtVolume> volume,
                              const QString& caption) {
  volume_ = std::move(volume);
  caption_ = caption;
  preview_ = QImage();
  if (!volume_) return;
  image_ = wrapVolume<vtkShortArray>(*volume_);
  mapper_->SetInputData(image_);
  setOverlay(nullptr);
  clearMarker();
  clearMeasurements();
  clearReferenceNodules();
  for (auto& line : crosshair_) line->SetVisibility(false);
  crosshairPlaced_ = false;
  slice_ = -1;
  setSlice(sliceCount() / 2);
  setWindow(window_);
  resetCamera();
}

core::Vec3 SliceViewport::slicePosition() const {
  if (!volume_) return {};
  const auto& s = volume_->geometry().size;
  core::Vec3 index{(s.i - 1) / 2.0, (s.j - 1) / 2.0, (s.k - 1) / 2.0};
  index[mapperOrientation(plane_)] = slice_;
  return volume_->geometry().indexToPhysical(index);
}

void SliceViewport::resetCamera() {
  if (!volume_) return;
  const auto& g = volume_->geometry();
  const core::Vec3 extent{g.size.i * g.spacing.x, g.size.j * g.spacing.y, g.size.k * g.spacing.z};
  const core::Vec3 center =
      g.indexToPhysical({(g.size.i - 1) / 2.0, (g.size.j - 1) / 2.0, (g.size.k - 1) / 2.0});
  // Radiological convention: axial seen from the feet (patient's right on the
  // screen's left, anterior up); coronal from the front; sagittal from the
  // patient's left with anterior on the screen's left.
  core::Vec3 towardsViewer, up;
  double screenWidth = 0, screenHeight = 0;
  switch (plane_) {
    case core::SlicePlane::Axial:
      towardsViewer = {0, 0, -1};
      up = {0, -1, 0};
      screenWidth = extent.x;
      screenHeight = extent.y;
      break;
    case core::SlicePlane::Coronal:
      towardsViewer = {0, -1, 0};
      up = {0, 0, 1};
      screenWidth = extent.x;
      screenHeight = extent.z;
      break;
    case core::SlicePlane::Sagittal:
      towardsViewer = {1, 0, 0};
      up = {0, 0, 1};
      screenWidth = extent.y;
      screenHeight = extent.z;
      break;
  }
  vtkCamera* camera = renderer_->GetActiveCamera();
  camera->ParallelProjectionOn();
  const double distance = 1000.0;
  camera->SetFocalPoint(center.x, center.y, center.z);
  camera->SetPosition(center.x + towardsViewer.x * distance, center.y + towardsViewer.y * distance,
                      center.z + towardsViewer.z * distance);
  camera->SetViewUp(up.x, up.y, up.z);
  const double aspect = height() > 0 ? static_cast<double>(width()) / height() : 1.0;
  camera->SetParallelScale(0.5 * std::max(screenHeight, screenWidth / aspect) * 1.02);
  renderer_->ResetCameraClippingRange();
  requestRender();
}

void SliceViewport::setSlice(int index) {
  if (!volume_) return;
  index = std::clamp(index, 0, sliceCount() - 1);
  if (index == slice_) return;
  slice_ = index;
  mapper_->SetSliceNumber(slice_);
  heatmapMapper_->SetSliceNumber(slice_);
  updateMarkerVisibility();
  updateMeasurementVisibility();
  updateReferenceVisibility();
  renderer_->ResetCameraClippingRange();
  updateAnnotation();
  requestRender();
  Q_EMIT sliceChanged(slice_);
}

void SliceViewport::setWindow(core::HuWindow window) {
  window_ = window;
  actor_->GetProperty()->SetColorWindow(window_.width);
  actor_->GetProperty()->SetColorLevel(window_.center);
  updateAnnotation();
  requestRender();
}

void SliceViewport::setOverlay(std::shared_ptr<const core::FloatVolume> heatmap) {
  if (stack_->HasImage(heatmapActor_)) stack_->RemoveImage(heatmapActor_);
  heatmap_ = std::move(heatmap);
  if (heatmap_ && volume_ && heatmap_->size() == volume_->size()) {
    heatmapImage_ = wrapVolume<vtkFloatArray>(*heatmap_);
    heatmapMapper_->SetInputData(heatmapImage_);
    heatmapMapper_->SetSliceNumber(std::max(slice_, 0));
    if (overlayVisible_) stack_->AddImage(heatmapActor_);
  } else {
    heatmap_.reset();
  }
  requestRender();
}

void SliceViewport::setOverlayVisible(bool visible) {
  overlayVisible_ = visible;
  if (!heatmap_) return;
  if (visible && !stack_->HasImage(heatmapActor_)) stack_->AddImage(heatmapActor_);
  if (!visible && stack_->HasImage(heatmapActor_)) stack_->RemoveImage(heatmapActor_);
  requestRender();
}

void SliceViewport::setOverlayColors(OverlayColors colors) {
  heatmapActor_->GetProperty()->SetLookupTable(lookupTableOf(colors));
  requestRender();
}

void SliceViewport::setOverlayOpacity(double opacity) {
  heatmapActor_->GetProperty()->SetOpacity(std::clamp(opacity, 0.0, 1.0));
  requestRender();
}

void SliceViewport::showMarker(const core::Vec3& pointMm, double diameterMm) {
  if (!volume_) return;
  markerMm_ = pointMm;
  markerRadiusMm_ = std::max(4.0, 0.5 * diameterMm + 3.0);
  markerShown_ = true;
  const int axis = mapperOrientation(plane_);
  const core::Vec3 index = volume_->geometry().physicalToIndex(pointMm);
  setSlice(static_cast<int>(std::lround(index[axis])));
  // The ring lies in the view plane, nudged towards the viewer so the image never hides it.
  core::Vec3 normal;
  normal[axis] = 1.0;
  double towardsViewer[3];
  renderer_->GetActiveCamera()->GetDirectionOfProjection(towardsViewer);
  const core::Vec3 lift = core::Vec3{towardsViewer[0], towardsViewer[1], towardsViewer[2]} * -1.0;
  ring_->SetCenter(pointMm.x + lift.x, pointMm.y + lift.y, pointMm.z + lift.z);
  ring_->SetNormal(normal.x, normal.y, normal.z);
  ring_->SetRadius(markerRadiusMm_);
  updateMarkerVisibility();
  requestRender();
}

void SliceViewport::clearMarker() {
  markerShown_ = false;
  ringActor_->SetVisibility(false);
  requestRender();
}

void SliceViewport::updateMarkerVisibility() {
  if (!markerShown_ || !volume_) return;
  const int axis = mapperOrientation(plane_);
  const double distance = std::abs(slicePosition()[axis] - markerMm_[axis]);
  ringActor_->SetVisibility(distance <= markerRadiusMm_);
}

void SliceViewport::setCrosshair(const core::Vec3& pointMm) {
  if (!volume_) return;
  // Each line runs along one of the slice's two in-plane axes, across the
  // whole volume, lifted towards the viewer like the other graphics.
  const int across = mapperOrientation(plane_);
  const auto& g = volume_->geometry();
  const core::Vec3 index = g.physicalToIndex(pointMm);
  double towardsViewer[3];
  renderer_->GetActiveCamera()->GetDirectionOfProjection(towardsViewer);
  const core::Vec3 lift = core::Vec3{towardsViewer[0], towardsViewer[1], towardsViewer[2]} * -1.0;
  const std::size_t sizes[3] = {g.size.i, g.size.j, g.size.k};
  std::size_t n = 0;
  for (int axis = 0; axis < 3; ++axis) {
    if (axis == across) continue;
    core::Vec3 from = index, to = index;
    from[axis] = 0;
    to[axis] = static_cast<double>(sizes[axis] - 1);
    const core::Vec3 a = g.indexToPhysical(from) + lift, b = g.indexToPhysical(to) + lift;
    crosshairLines_[n]->SetPoint1(a.x, a.y, a.z);
    crosshairLines_[n]->SetPoint2(b.x, b.y, b.z);
    crosshair_[n]->SetVisibility(crosshairShown_);
    ++n;
  }
  crosshairPlaced_ = true;
  requestRender();
}

void SliceViewport::showCrosshair(bool shown) {
  crosshairShown_ = shown;
  for (auto& line : crosshair_) line->SetVisibility(shown && crosshairPlaced_);
  requestRender();
}

void SliceViewport::setTool(Tool tool) {
  tool_ = tool;
  setCursor(tool == Tool::WindowLevel ? Qt::ArrowCursor : Qt::CrossCursor);
}

core::Vec3 SliceViewport::pointAt(const QPoint& pixel) const {
  if (!volume_) return {};
  // VTK counts display pixels from the bottom, in device pixels.
  const double ratio = devicePixelRatioF();
  renderer_->SetDisplayPoint(pixel.x() * ratio, (height() - pixel.y()) * ratio, 0.0);
  renderer_->DisplayToWorld();
  double world[4];
  renderer_->GetWorldPoint(world);
  const double w = world[3] != 0.0 ? world[3] : 1.0;
  core::Vec3 point{world[0] / w, world[1] / w, world[2] / w};
  const int axis = mapperOrientation(plane_);
  point[axis] = slicePosition()[axis];  // on the slice shown, whatever the camera's depth
  return point;
}

SliceViewport::MeasurementGraphic SliceViewport::makeGraphic(Tool kind, const core::Vec3& a,
                                                             const core::Vec3& b) const {
  MeasurementGraphic graphic{kind, a, b, vtkSmartPointer<vtkActor>::New()};
  double towardsViewer[3];
  renderer_->GetActiveCamera()->GetDirectionOfProjection(towardsViewer);
  const core::Vec3 lift = core::Vec3{towardsViewer[0], towardsViewer[1], towardsViewer[2]} * -1.0;
  auto mapper = vtkSmartPointer<vtkPolyDataMapper>::New();
  if (kind == Tool::Length) {
    auto line = vtkSmartPointer<vtkLineSource>::New();
    line->SetPoint1(a.x + lift.x, a.y + lift.y, a.z + lift.z);
    line->SetPoint2(b.x + lift.x, b.y + lift.y, b.z + lift.z);
    mapper->SetInputConnection(line->GetOutputPort());
  } else {
    auto circle = vtkSmartPointer<vtkRegularPolygonSource>::New();
    circle->GeneratePolygonOff();
    circle->SetNumberOfSides(64);
    core::Vec3 normal;
    normal[mapperOrientation(plane_)] = 1.0;
    circle->SetNormal(normal.x, normal.y, normal.z);
    circle->SetCenter(a.x + lift.x, a.y + lift.y, a.z + lift.z);
    circle->SetRadius(std::max(0.1, core::distance(a, b)));
    mapper->SetInputConnection(circle->GetOutputPort());
  }
  graphic.actor->SetMapper(mapper);
  graphic.actor->GetProperty()->SetColor(1.0, 0.85, 0.1);
  graphic.actor->GetProperty()->SetLineWidth(2.0);
  return graphic;
}

void SliceViewport::addMeasurement(Tool kind, const core::Vec3& a, const core::Vec3& b) {
  if (!volume_ || kind == Tool::WindowLevel) return;
  measurements_.push_back(makeGraphic(kind, a, b));
  renderer_->AddActor(measurements_.back().actor);
  updateMeasurementVisibility();
  requestRender();
}

void SliceViewport::clearMeasurements() {
  for (const auto& m : measurements_) renderer_->RemoveActor(m.actor);
  measurements_.clear();
  requestRender();
}

void SliceViewport::showReferenceNodules(
    const std::vector<std::pair<core::Vec3, double>>& centersAndDiameters) {
  clearReferenceNodules();
  if (!volume_) return;
  const int axis = mapperOrientation(plane_);
  for (const auto& [center, diameter] : centersAndDiameters) {
    // A ring a little wider than the nodule, so that it frames it.
    core::Vec3 rim = center;
    rim[(axis + 1) % 3] += 0.5 * diameter + 2.0;
    references_.push_back(makeGraphic(Tool::CircleRoi, center, rim));
    references_.back().actor->GetProperty()->SetColor(0.95, 0.3, 0.95);
    renderer_->AddActor(references_.back().actor);
  }
  updateReferenceVisibility();
  requestRender();
}

void SliceViewport::clearReferenceNodules() {
  for (const auto& r : references_) renderer_->RemoveActor(r.actor);
  references_.clear();
  requestRender();
}

void SliceViewport::updateReferenceVisibility() {
  if (!volume_) return;
  const int axis = mapperOrientation(plane_);
  const double here = slicePosition()[axis];
  for (const auto& r : references_) {
    const double radius = core::distance(r.a, r.b) - 2.0;  // the nodule's own
    r.actor->SetVisibility(std::abs(here - r.a[axis]) <= radius);
  }
}

void SliceViewport::updateMeasurementVisibility() {
  if (!volume_) return;
  const int axis = mapperOrientation(plane_);
  const double halfSpacing = 0.5 * volume_->geometry().spacing[axis];
  const double here = slicePosition()[axis];
  for (const auto& m : measurements_)
    m.actor->SetVisibility(std::abs(here - m.a[axis]) <= halfSpacing + 1e-6);
}

void SliceViewport::setCornerText(const QString& text) {
  cornerText_ = text;
  updateAnnotation();
  requestRender();
}

void SliceViewport::updateAnnotation() {
  if (!volume_) return;
  const core::Vec3 p = slicePosition();
  const double position =
      plane_ == core::SlicePlane::Axial ? p.z : (plane_ == core::SlicePlane::Coronal ? p.y : p.x);
  const char* axis =
      plane_ == core::SlicePlane::Axial ? "z" : (plane_ == core::SlicePlane::Coronal ? "y" : "x");
  //: %1: the plane (Axial ...); %2/%3: the slice and the slices; %4 = %5: the axis (x, y or z)
  //: and the slice's position on it.
  const QString lowerLeft = tr("%1 %2/%3\n%4 = %5 mm")
                                .arg(DisplayNames::plane(plane_))
                                .arg(slice_ + 1)
                                .arg(sliceCount())
                                .arg(axis)
                                .arg(DisplayNames::number(position, 1));
  const QString lowerRight =
      //: The display window: W its width, L its level (centre), in HU.
      tr("W %1  L %2")
          .arg(DisplayNames::number(window_.width, 0))
          .arg(DisplayNames::number(window_.center, 0));
  annotations_.setCorner(ViewAnnotations::LowerLeft, lowerLeft);
  annotations_.setCorner(ViewAnnotations::LowerRight, lowerRight);
  annotations_.setCorner(ViewAnnotations::UpperLeft, caption_);
  annotations_.setCorner(ViewAnnotations::UpperRight, cornerText_);
  // Orientation labels on the edges (what lies beyond each side of the image),
  // in the reader's language: French films mark the patient's right D, left G.
  const QString anterior = tr("A", "anterior"), posterior = tr("P", "posterior");
  const QString right = tr("R", "the patient's right"), left = tr("L", "the patient's left");
  const QString superior = tr("S", "superior"), inferior = tr("I", "inferior");
  QString labels[4] = {anterior, posterior, right, left};  // top, bottom, left, right
  if (plane_ == core::SlicePlane::Coronal) {
    labels[0] = superior;
    labels[1] = inferior;
  } else if (plane_ == core::SlicePlane::Sagittal) {
    labels[0] = superior;
    labels[1] = inferior;
    labels[2] = anterior;
    labels[3] = posterior;
  }
  annotations_.setEdge(ViewAnnotations::Top, labels[0]);
  annotations_.setEdge(ViewAnnotations::Bottom, labels[1]);
  annotations_.setEdge(ViewAnnotations::Left, labels[2]);
  annotations_.setEdge(ViewAnnotations::Right, labels[3]);
}

void SliceViewport::showPreview(const QImage& slice, double pixelAspect, const QString& caption) {
  preview_ = slice;
  previewAspect_ = pixelAspect > 0 ? pixelAspect : 1.0;
  previewCaption_ = caption;
  update();
}

void SliceViewport::clearPreview() {
  preview_ = QImage();
  update();
}

void SliceViewport::paintOverlay(QPainter& painter) {
  if (!preview_.isNull()) {
    // Over whatever VTK drew (an empty view, or the study being replaced).
    painter.fillRect(rect(), Qt::black);
    QSizeF size(preview_.width(), preview_.height() * previewAspect_);
    size.scale(QSizeF(rect().size()), Qt::KeepAspectRatio);
    const QRectF target(QPointF((width() - size.width()) / 2, (height() - size.height()) / 2),
                        size);
    painter.setRenderHint(QPainter::SmoothPixmapTransform);
    painter.drawImage(target, preview_);
    painter.setPen(QColor(242, 217, 77));
    painter.drawText(rect().adjusted(5, 3, -5, -3), Qt::AlignLeft | Qt::AlignBottom,
                     previewCaption_);
    return;
  }
  if (volume_) {
    annotations_.paint(painter, rect());
    return;
  }
  painter.setPen(QColor(150, 150, 150));
  painter.drawText(rect(), Qt::AlignCenter,
                   tr("%1\nNo study open: File > Open folder (Ctrl+O),\nor drop one here")
                       .arg(DisplayNames::plane(plane_)));
}

void SliceViewport::zoomBy(double factor) {
  vtkCamera* camera = renderer_->GetActiveCamera();
  camera->SetParallelScale(std::clamp(camera->GetParallelScale() / factor, 1.0, 5000.0));
  requestRender();
}

void SliceViewport::wheelEvent(QWheelEvent* event) {
  const int steps = event->angleDelta().y() / 120;
  if (steps == 0) return;
  if (event->modifiers() & Qt::ControlModifier) {
    zoomBy(std::pow(1.15, steps));
  } else {
    setSlice(slice_ + steps);
  }
  event->accept();
}

void SliceViewport::keyPressEvent(QKeyEvent* event) {
  switch (event->key()) {
    case Qt::Key_Up:
      setSlice(slice_ + 1);
      break;
    case Qt::Key_Down:
      setSlice(slice_ - 1);
      break;
    case Qt::Key_PageUp:
      setSlice(slice_ + 10);
      break;
    case Qt::Key_PageDown:
      setSlice(slice_ - 10);
      break;
    case Qt::Key_Home:
      setSlice(0);
      break;
    case Qt::Key_End:
      setSlice(sliceCount() - 1);
      break;
    default:
      VtkOpenGLWidget::keyPressEvent(event);
      return;
  }
  event->accept();
}

void SliceViewport::mousePressEvent(QMouseEvent* event) {
  if (volume_ && event->button() == Qt::LeftButton && (event->modifiers() & Qt::ControlModifier)) {
    Q_EMIT pointPicked(pointAt(event->position().toPoint()));
    setFocus();
    return;
  }
  dragStart_ = event->position().toPoint();
  dragStartWindow_ = window_;
  const bool measuring = tool_ != Tool::WindowLevel && volume_;
  drag_ = event->button() == Qt::LeftButton     ? (measuring ? Drag::Measure : Drag::WindowLevel)
          : event->button() == Qt::MiddleButton ? Drag::Pan
          : event->button() == Qt::RightButton  ? Drag::Zoom
                                                : Drag::None;
  if (drag_ == Drag::Measure) {
    const core::Vec3 start = pointAt(dragStart_);
    drawing_ = makeGraphic(tool_, start, start);
    renderer_->AddActor(drawing_.actor);
  }
  setFocus();
}

void SliceViewport::mouseMoveEvent(QMouseEvent* event) {
  const QPoint now = event->position().toPoint();
  const QPoint delta = now - dragStart_;
  switch (drag_) {
    case Drag::WindowLevel: {
      // Horizontal drag widens the window, vertical drag moves the level.
      core::HuWindow w = dragStartWindow_;
      w.width = std::max(1.0, w.width + delta.x() * 4.0);
      w.center = w.center - delta.y() * 2.0;
      setWindow(w);
      Q_EMIT windowEdited(w);
      break;
    }
    case Drag::Pan: {
      vtkCamera* camera = renderer_->GetActiveCamera();
      const double mmPerPixel = 2.0 * camera->GetParallelScale() / std::max(1, height());
      double focal[3], position[3], up[3], direction[3];
      camera->GetFocalPoint(focal);
      camera->GetPosition(position);
      camera->GetViewUp(up);
      camera->GetDirectionOfProjection(direction);
      const core::Vec3 u{up[0], up[1], up[2]};
      const core::Vec3 right = core::Vec3{direction[0], direction[1], direction[2]}.cross(u);
      const core::Vec3 move = (right * -delta.x() + u * delta.y()) * mmPerPixel;
      camera->SetFocalPoint(focal[0] + move.x, focal[1] + move.y, focal[2] + move.z);
      camera->SetPosition(position[0] + move.x, position[1] + move.y, position[2] + move.z);
      dragStart_ = now;
      requestRender();
      break;
    }
    case Drag::Zoom:
      zoomBy(std::pow(1.01, -delta.y()));
      dragStart_ = now;
      break;
    case Drag::Measure: {
      // Redrawn from scratch: a line or circle is a handful of points.
      renderer_->RemoveActor(drawing_.actor);
      drawing_ = makeGraphic(drawing_.kind, drawing_.a, pointAt(now));
      renderer_->AddActor(drawing_.actor);
      requestRender();
      break;
    }
    case Drag::None:
      break;
  }
}

void SliceViewport::mouseReleaseEvent(QMouseEvent* event) {
  if (drag_ == Drag::Measure) {
    renderer_->RemoveActor(drawing_.actor);
    const core::Vec3 end = pointAt(event->position().toPoint());
    requestRender();
    drag_ = Drag::None;
    // A click without a drag draws nothing.
    if (core::distance(drawing_.a, end) > 0.5)
      Q_EMIT measurementDrawn(drawing_.kind, drawing_.a, end);
    return;
  }
  drag_ = Drag::None;
}

}  // namespace vigie::app
