#pragma once

#include <memory>
#include <vector>

#include <vtkSmartPointer.h>
#include <QColor>
#include <QString>

#include "BackgroundJob.h"
#include "ViewAnnotations.h"
#include "VtkOpenGLWidget.h"
#include "vigie/core/Volume.h"

class vtkActor;
class vtkGPUVolumeRayCastMapper;
class vtkImageData;
class vtkRenderer;
class vtkVolume;

namespace vigie::app {

/// A sphere drawn in the 3D view: a finding, coloured by the reader's decision.
struct VolumeMarker {
  core::Vec3 centerMm;  ///< LPS
  double diameterMm = 0;
  QColor color;
};

/// The fourth view of the CT layout: a GPU ray-cast volume rendering of the
/// series with tissue presets, and the findings as coloured spheres.
///
/// Volumes bigger than 16 million voxels (2 million on software OpenGL) are
/// shown on a coarser grid (resampled on a worker thread), so the texture
/// upload and each frame stay short; the full-resolution volume stays with the
/// slice views. Left drag rotates, right drag or the wheel zooms, middle
/// drag pans. GUI thread only.
class VolumeRenderView : public VtkOpenGLWidget {
  Q_OBJECT
 public:
  /// What the transfer functions show.
  enum class Preset { SoftTissue, Bone, Lungs };
  static QString presetName(Preset preset);

  explicit VolumeRenderView(QWidget* parent = nullptr);
  ~VolumeRenderView() override;

  /// Shows `volume` (shared with the slice views) once it is prepared;
  /// volumeReady is emitted then. nullptr empties the view.
  void setVolume(std::shared_ptr<const core::CtVolume> volume);
  bool hasRendering() const { return rendered_ != nullptr; }
  /// A volume was given and is still being prepared (volumeReady will follow).
  bool preparing() const { return source_ && !rendered_; }
  /// The grid the rendering uses (the volume's, or a coarser one).
  const core::VolumeGeometry* renderedGeometry() const;

  void setPreset(Preset preset);
  Preset preset() const { return preset_; }

  /// Replaces the spheres drawn (findings, centres in LPS mm, placed through
  /// the volume's geometry); empty removes them. Call after setVolume.
  void setMarkers(const std::vector<VolumeMarker>& markers);
  std::size_t markerCount() const { return markerActors_.size(); }

  /// Looks at the volume from the front (anterior), patient's head up.
  void resetCamera();

 Q_SIGNALS:
  void volumeReady();

 protected:
  void initializeGL() override;

 private:
  void showPrepared(std::shared_ptr<const core::CtVolume> prepared);
  void applyPreset();
  void paintOverlay(QPainter& painter) override;

  BackgroundJob<VolumeRenderView> preparation_{this};
  vtkSmartPointer<vtkRenderer> renderer_;
  vtkSmartPointer<vtkRenderer> markerRenderer_;  ///< layer 1: the spheres, over the volume
  vtkSmartPointer<vtkGPUVolumeRayCastMapper> mapper_;
  vtkSmartPointer<vtkVolume> actor_;
  ViewAnnotations caption_;
  vtkSmartPointer<vtkImageData> image_;
  std::vector<vtkSmartPointer<vtkActor>> markerActors_;
  std::shared_ptr<const core::CtVolume> source_;    ///< what the slice views show
  std::shared_ptr<const core::CtVolume> rendered_;  ///< what VTK reads (maybe coarser)
  Preset preset_ = Preset::Lungs;
  bool softwareOpenGl_ = false;  ///< Mesa's llvmpipe or the like: a smaller grid // a chest CT
                                 ///< workstation: the lungs first
};

}  // namespace vigie::app
