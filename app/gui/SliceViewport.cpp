#include "SliceViewport.h"

#include <vtkCamera.h>
#include <vtkCornerAnnotation.h>
#include <vtkGenericOpenGLRenderWindow.h>
#include <vtkImageData.h>
#include <vtkImageProperty.h>
#include <vtkImageSlice.h>
#include <vtkImageSliceMapper.h>
#include <vtkPointData.h>
#include <vtkRenderer.h>
#include <vtkShortArray.h>
#include <vtkTextProperty.h>

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

const char* planeName(core::SlicePlane plane) {
  switch (plane) {
    case core::SlicePlane::Axial:
      return "Axial";
    case core::SlicePlane::Coronal:
      return "Coronal";
    case core::SlicePlane::Sagittal:
      return "Sagittal";
  }
  return "";
}

}  // namespace

SliceViewport::SliceViewport(core::SlicePlane plane, QWidget* parent)
    : VtkOpenGLWidget(parent),
      plane_(plane),
      renderer_(vtkSmartPointer<vtkRenderer>::New()),
      image_(vtkSmartPointer<vtkImageData>::New()),
      mapper_(vtkSmartPointer<vtkImageSliceMapper>::New()),
      actor_(vtkSmartPointer<vtkImageSlice>::New()),
      annotation_(vtkSmartPointer<vtkCornerAnnotation>::New()) {
  renderer_->SetBackground(0, 0, 0);
  renderWindow()->AddRenderer(renderer_);
  mapper_->SetOrientation(mapperOrientation(plane));
  actor_->SetMapper(mapper_);
  actor_->GetProperty()->SetInterpolationTypeToLinear();
  annotation_->SetLinearFontScaleFactor(2);
  annotation_->SetNonlinearFontScaleFactor(1);
  annotation_->SetMaximumFontSize(15);
  annotation_->GetTextProperty()->SetColor(0.95, 0.85, 0.3);
  renderer_->AddViewProp(annotation_);
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
  if (!volume_) return;
  const auto& g = volume_->geometry();
  // Wrap the voxels; `1` tells VTK it does not own (and must not free) them.
  auto scalars = vtkSmartPointer<vtkShortArray>::New();
  scalars->SetArray(const_cast<short*>(volume_->data()),
                    static_cast<vtkIdType>(volume_->voxelCount()), 1);
  image_ = vtkSmartPointer<vtkImageData>::New();
  image_->SetDimensions(static_cast<int>(g.size.i), static_cast<int>(g.size.j),
                        static_cast<int>(g.size.k));
  image_->SetSpacing(g.spacing.x, g.spacing.y, g.spacing.z);
  image_->SetOrigin(g.origin.x, g.origin.y, g.origin.z);
  image_->GetPointData()->SetScalars(scalars);
  mapper_->SetInputData(image_);
  if (!renderer_->HasViewProp(actor_)) renderer_->AddViewProp(actor_);
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
  const core::Vec3 centre =
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
  camera->SetFocalPoint(centre.x, centre.y, centre.z);
  camera->SetPosition(centre.x + towardsViewer.x * distance, centre.y + towardsViewer.y * distance,
                      centre.z + towardsViewer.z * distance);
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

void SliceViewport::updateAnnotation() {
  if (!volume_) return;
  const core::Vec3 p = slicePosition();
  const double position =
      plane_ == core::SlicePlane::Axial ? p.z : (plane_ == core::SlicePlane::Coronal ? p.y : p.x);
  const char* axis =
      plane_ == core::SlicePlane::Axial ? "z" : (plane_ == core::SlicePlane::Coronal ? "y" : "x");
  const QString lowerLeft = QString("%1 %2/%3\n%4 = %5 mm")
                                .arg(planeName(plane_))
                                .arg(slice_ + 1)
                                .arg(sliceCount())
                                .arg(axis)
                                .arg(position, 0, 'f', 1);
  const QString lowerRight =
      QString("W %1  L %2").arg(window_.width, 0, 'f', 0).arg(window_.center, 0, 'f', 0);
  annotation_->SetText(vtkCornerAnnotation::LowerLeft, lowerLeft.toUtf8().constData());
  annotation_->SetText(vtkCornerAnnotation::LowerRight, lowerRight.toUtf8().constData());
  annotation_->SetText(vtkCornerAnnotation::UpperLeft, caption_.toUtf8().constData());
  // Orientation labels on the edges (what lies beyond each side of the image).
  const char* labels[4] = {"A", "P", "R", "L"};  // top, bottom, left, right
  if (plane_ == core::SlicePlane::Coronal) {
    labels[0] = "S";
    labels[1] = "I";
  } else if (plane_ == core::SlicePlane::Sagittal) {
    labels[0] = "S";
    labels[1] = "I";
    labels[2] = "A";
    labels[3] = "P";
  }
  annotation_->SetText(vtkCornerAnnotation::UpperEdge, labels[0]);
  annotation_->SetText(vtkCornerAnnotation::LowerEdge, labels[1]);
  annotation_->SetText(vtkCornerAnnotation::LeftEdge, labels[2]);
  annotation_->SetText(vtkCornerAnnotation::RightEdge, labels[3]);
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
  dragStart_ = event->position().toPoint();
  dragStartWindow_ = window_;
  drag_ = event->button() == Qt::LeftButton     ? Drag::WindowLevel
          : event->button() == Qt::MiddleButton ? Drag::Pan
          : event->button() == Qt::RightButton  ? Drag::Zoom
                                                : Drag::None;
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
    case Drag::None:
      break;
  }
}

void SliceViewport::mouseReleaseEvent(QMouseEvent*) { drag_ = Drag::None; }

}  // namespace vigie::app
