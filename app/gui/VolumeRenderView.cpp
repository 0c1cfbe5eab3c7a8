#include "VolumeRenderView.h"

#include <QOpenGLContext>
#include <QOpenGLFunctions>
#include <QTimer>

#include <algorithm>
#include <cmath>

#include <vtkActor.h>
#include <vtkCamera.h>
#include <vtkColorTransferFunction.h>
#include <vtkCommand.h>
#include <vtkGPUVolumeRayCastMapper.h>
#include <vtkGenericOpenGLRenderWindow.h>
#include <vtkGenericRenderWindowInteractor.h>
#include <vtkImageData.h>
#include <vtkInteractorStyleTrackballCamera.h>
#include <vtkPiecewiseFunction.h>
#include <vtkPointData.h>
#include <vtkPolyDataMapper.h>
#include <vtkProperty.h>
#include <vtkRenderer.h>
#include <vtkShortArray.h>
#include <vtkSphereSource.h>
#include <vtkVolume.h>
#include <vtkVolumeProperty.h>

#include "DisplayNames.h"
#include "VtkImages.h"
#include "vigie/imaging/preprocess/Resampler.h"

namespace vigie::app {
namespace {

/// Above this many voxels the rendering uses a coarser grid: a 512x512x400
/// chest CT (105 M voxels, 210 MB) would take seconds to upload and each
/// frame far longer than a reader waits, for detail the slice views show
/// anyway (the findings' spheres mark what is too small to see). Software
/// OpenGL (Mesa's llvmpipe, as under Xvfb) gets a smaller budget: its first
/// frame of a 4 M voxel volume took 120 ms, of a 2 M voxel one 70 ms.
constexpr double kMaxRenderedVoxelsOnGpu = 16.0e6;
constexpr double kMaxRenderedVoxelsInSoftware = 2.0e6;

/// The volume to render: itself when small enough, else resampled (linear)
/// to a grid of at most `maxVoxels`. Worker thread.
std::shared_ptr<const core::CtVolume> prepareForRendering(
    std::shared_ptr<const core::CtVolume> volume, double maxVoxels) {
  const double voxels = static_cast<double>(volume->voxelCount());
  if (voxels <= maxVoxels) return volume;
  const double factor = std::cbrt(voxels / maxVoxels);
  const auto& s = volume->geometry().spacing;
  auto coarse = imaging::resampleToSpacing(*volume, {s.x * factor, s.y * factor, s.z * factor});
  if (!coarse.ok()) return volume;  // the full grid still renders, only slower
  return std::make_shared<const core::CtVolume>(std::move(coarse.value()));
}

struct OpacityPoint {
  double hu, opacity;
};
struct ColorPoint {
  double hu, r, g, b;
};
struct TransferPoints {
  std::vector<OpacityPoint> opacity;
  std::vector<ColorPoint> color;
};

/// The opacity and colour over HU of each preset.
TransferPoints transferPointsOf(VolumeRenderView::Preset preset) {
  switch (preset) {
    case VolumeRenderView::Preset::SoftTissue:
      // The body's surface and organs, skin-coloured; air and lung clear.
      return {{{-1024, 0}, {-400, 0}, {-150, 0.05}, {60, 0.25}, {300, 0.5}, {1500, 0.9}},
              {{-400, 0.55, 0.25, 0.15},
               {-150, 0.85, 0.55, 0.45},
               {60, 0.9, 0.65, 0.55},
               {300, 1.0, 0.95, 0.85},
               {1500, 1.0, 1.0, 1.0}}};
    case VolumeRenderView::Preset::Bone:
      return {{{-1024, 0}, {150, 0}, {300, 0.35}, {700, 0.85}, {2000, 0.95}},
              {{150, 0.75, 0.6, 0.45}, {400, 0.95, 0.9, 0.8}, {2000, 1.0, 1.0, 1.0}}};
    case VolumeRenderView::Preset::Lungs:
      // The aerated lung only, shaded, so its surface shows the lungs'
      // shape with the vessels and nodules as dents and tunnels in it; the
      // chest wall, which has the vessels' density, stays clear (it would
      // hide them), and the findings' spheres show where to look.
      return {{{-1024, 0}, {-940, 0}, {-910, 0.02}, {-650, 0.02}, {-550, 0}, {3000, 0}},
              {{-940, 0.55, 0.7, 0.95}, {-650, 0.85, 0.75, 0.85}}};
  }
  return {};
}

}  // namespace

QString VolumeRenderView::presetName(Preset preset) {
  switch (preset) {
    case Preset::SoftTissue:
      //: A 3D rendering preset.
      return tr("Soft tissue");
    case Preset::Bone:
      //: A 3D rendering preset.
      return tr("Bone");
    case Preset::Lungs:
      //: A 3D rendering preset.
      return tr("Lungs");
  }
  return {};
}

VolumeRenderView::VolumeRenderView(QWidget* parent)
    : VtkOpenGLWidget(parent),
      renderer_(vtkSmartPointer<vtkRenderer>::New()),
      markerRenderer_(vtkSmartPointer<vtkRenderer>::New()),
      mapper_(vtkSmartPointer<vtkGPUVolumeRayCastMapper>::New()),
      actor_(vtkSmartPointer<vtkVolume>::New()) {
  setObjectName("volumeView");
  renderer_->SetBackground(0.05, 0.05, 0.08);
  renderWindow()->AddRenderer(renderer_);
  // The findings' spheres are drawn in a layer over the volume, with its
  // camera: a nodule deep in the lung stays visible whatever the preset.
  markerRenderer_->SetLayer(1);
  markerRenderer_->InteractiveOff();
  markerRenderer_->SetActiveCamera(renderer_->GetActiveCamera());
  renderWindow()->SetNumberOfLayers(2);
  renderWindow()->AddRenderer(markerRenderer_);
  // Frames are rendered on the GUI thread: the mapper casts fewer rays when
  // a frame takes longer than the update rate allows (100 ms still, 66 ms
  // while the reader drags), so the view never holds the GUI for long.
  mapper_->SetAutoAdjustSampleDistances(1);
  mapper_->SetMaximumImageSampleDistance(4.0f);
  renderWindow()->SetDesiredUpdateRate(10.0);
  mapper_->SetBlendModeToComposite();
  actor_->SetMapper(mapper_);
  auto property = vtkSmartPointer<vtkVolumeProperty>::New();
  property->ShadeOn();
  property->SetInterpolationTypeToLinear();
  property->SetAmbient(0.3);
  property->SetDiffuse(0.7);
  property->SetSpecular(0.2);
  actor_->SetProperty(property);
  caption_.setCorner(ViewAnnotations::UpperLeft, tr("3D"));
  // Warm-up: a blank 2x2x2 volume, so the window's first paint (at
  // start-up) compiles the ray-casting shaders, not the study's first frame.
  image_ = blankImage<vtkShortArray>(-1024);
  mapper_->SetInputData(image_);
  renderer_->AddVolume(actor_);

  auto style = vtkSmartPointer<vtkInteractorStyleTrackballCamera>::New();
  interactor()->SetInteractorStyle(style);
  interactor()->SetStillUpdateRate(10.0);
  interactor()->SetDesiredUpdateRate(15.0);
  // The interactor does not render by itself (VtkOpenGLWidget renders in
  // paintGL); the camera styles ask for a render through this event.
  interactor()->AddObserver(vtkCommand::RenderEvent, this, &VolumeRenderView::requestRender);
  applyPreset();
}

VolumeRenderView::~VolumeRenderView() { preparation_.cancel(); }

void VolumeRenderView::initializeGL() {
  VtkOpenGLWidget::initializeGL();
  const auto* renderer =
      reinterpret_cast<const char*>(context()->functions()->glGetString(GL_RENDERER));
  const QString name = renderer ? QString::fromLatin1(renderer) : QString();
  softwareOpenGl_ = name.contains("llvmpipe") || name.contains("softpipe") ||
                    name.contains("Software", Qt::CaseInsensitive);
}

const core::VolumeGeometry* VolumeRenderView::renderedGeometry() const {
  return rendered_ ? &rendered_->geometry() : nullptr;
}

void VolumeRenderView::setVolume(std::shared_ptr<const core::CtVolume> volume) {
  source_ = volume;
  rendered_.reset();
  renderer_->RemoveVolume(actor_);
  image_ = nullptr;
  mapper_->RemoveAllInputs();
  caption_.setCorner(ViewAnnotations::UpperLeft, volume ? tr("3D: preparing...") : tr("3D"));
  requestRender();
  if (!volume) {
    preparation_.cancel();
    return;
  }
  const double maxVoxels = softwareOpenGl_ ? kMaxRenderedVoxelsInSoftware : kMaxRenderedVoxelsOnGpu;
  preparation_.start(
      [this, volume, maxVoxels](const BackgroundJob<VolumeRenderView>::Token& token) {
        auto prepared = prepareForRendering(volume, maxVoxels);
        token.post([this, prepared = std::move(prepared)] {
          preparation_.finished();
          showPrepared(prepared);
        });
      });
}

void VolumeRenderView::showPrepared(std::shared_ptr<const core::CtVolume> prepared) {
  rendered_ = std::move(prepared);
  image_ = wrapVolume<vtkShortArray>(*rendered_);
  mapper_->SetInputData(image_);
  renderer_->AddVolume(actor_);
  // Progressive: the first frame, which also uploads the volume and has no
  // timing to go by, casts a ninth of the rays; the finer frames follow.
  mapper_->SetImageSampleDistance(3.0f);
  mapper_->SetMinimumImageSampleDistance(3.0f);
  QTimer::singleShot(150, this, [this] {
    mapper_->SetMinimumImageSampleDistance(1.0f);
    requestRender();
  });
  applyPreset();
  resetCamera();
  Q_EMIT volumeReady();
}

void VolumeRenderView::setPreset(Preset preset) {
  preset_ = preset;
  applyPreset();
}

void VolumeRenderView::applyPreset() {
  const TransferPoints points = transferPointsOf(preset_);
  auto opacityFunction = vtkSmartPointer<vtkPiecewiseFunction>::New();
  for (const auto& p : points.opacity) opacityFunction->AddPoint(p.hu, p.opacity);
  auto colorFunction = vtkSmartPointer<vtkColorTransferFunction>::New();
  for (const auto& c : points.color) colorFunction->AddRGBPoint(c.hu, c.r, c.g, c.b);
  actor_->GetProperty()->SetScalarOpacity(opacityFunction);
  actor_->GetProperty()->SetColor(colorFunction);

  QString text = tr("3D: %1").arg(presetName(preset_));
  if (rendered_ && source_ && rendered_ != source_) {
    //: %1: the 3D rendering preset; %2: the spacing of the coarser grid rendered.
    text = tr("3D: %1 (shown on a %2 mm grid)")
               .arg(presetName(preset_))
               .arg(DisplayNames::number(rendered_->geometry().spacing.x, 1));
  }
  if (source_ && !rendered_) text = tr("3D: preparing...");
  caption_.setCorner(ViewAnnotations::UpperLeft, text);
  requestRender();
}

void VolumeRenderView::paintOverlay(QPainter& painter) { caption_.paint(painter, rect()); }

void VolumeRenderView::setMarkers(const std::vector<VolumeMarker>& markers) {
  for (auto& actor : markerActors_) markerRenderer_->RemoveActor(actor);
  markerActors_.clear();
  for (const auto& m : markers) {
    // VTK draws the volume along its index axes from the origin (as the
    // slice views do), so a patient point goes into that frame first: the
    // same point for an oblique series as for an axial one.
    core::Vec3 at = m.centerMm;
    if (source_) {
      const auto& g = source_->geometry();
      const core::Vec3 index = g.physicalToIndex(m.centerMm);
      at = {g.origin.x + index.x * g.spacing.x, g.origin.y + index.y * g.spacing.y,
            g.origin.z + index.z * g.spacing.z};
    }
    auto sphere = vtkSmartPointer<vtkSphereSource>::New();
    sphere->SetCenter(at.x, at.y, at.z);
    // Never smaller than 3 mm, or a micro-nodule vanishes in the overview.
    sphere->SetRadius(std::max(1.5, 0.5 * m.diameterMm));
    sphere->SetThetaResolution(20);
    sphere->SetPhiResolution(12);
    auto mapper = vtkSmartPointer<vtkPolyDataMapper>::New();
    mapper->SetInputConnection(sphere->GetOutputPort());
    auto actor = vtkSmartPointer<vtkActor>::New();
    actor->SetMapper(mapper);
    actor->GetProperty()->SetColor(m.color.redF(), m.color.greenF(), m.color.blueF());
    markerRenderer_->AddActor(actor);
    markerActors_.push_back(actor);
  }
  requestRender();
}

void VolumeRenderView::resetCamera() {
  vtkCamera* camera = renderer_->GetActiveCamera();
  double center[3] = {0, 0, 0};
  if (image_) {
    double bounds[6];
    image_->GetBounds(bounds);
    for (int a = 0; a < 3; ++a) center[a] = 0.5 * (bounds[2 * a] + bounds[2 * a + 1]);
  }
  // Anterior view: the camera in front of the patient (-y in LPS), head up,
  // so the patient's right is on the screen's left as on a chest radiograph.
  camera->SetFocalPoint(center);
  camera->SetPosition(center[0], center[1] - 1000.0, center[2]);
  camera->SetViewUp(0, 0, 1);
  renderer_->ResetCamera();
  camera->Zoom(1.4);  // ResetCamera fits the bounding sphere: the corners of a box are mostly air
  requestRender();
}

}  // namespace vigie::app
