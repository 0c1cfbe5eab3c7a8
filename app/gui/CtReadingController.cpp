#include "CtReadingController.h"

#include <QColor>
#include <QDialog>
#include <QDialogButtonBox>
#include <QDoubleSpinBox>
#include <QFormLayout>
#include <QGridLayout>
#include <cmath>

#include "DisplayNames.h"
#include "ProblemReporter.h"
#include "ReviewSession.h"
#include "VolumeRenderView.h"

namespace vigie::app {

CtReadingController::CtReadingController(ReviewSession* session, ProblemReporter* problems,
                                         QWidget* parent)
    : QObject(parent), session_(session), problems_(problems), parentWidget_(parent) {
  buildViews();
  measurements_ = new MeasurementsPanel(parent);
  connect(measurements_, &MeasurementsPanel::measurementSelected, this,
          &CtReadingController::goToMeasurement);
  connect(measurements_, &MeasurementsPanel::withdrawRequested, this,
          &CtReadingController::withdrawMeasurement);
}

void CtReadingController::buildViews() {
  grid_ = new QWidget(parentWidget_);
  auto* layout = new QGridLayout(grid_);
  layout->setContentsMargins(2, 2, 2, 2);
  layout->setSpacing(2);
  const core::SlicePlane planes[] = {core::SlicePlane::Axial, core::SlicePlane::Coronal,
                                     core::SlicePlane::Sagittal};
  for (int v = 0; v < 3; ++v) {
    SliceViewport* view = new SliceViewport(planes[v], grid_);
    viewports_[static_cast<std::size_t>(v)] = view;
    connect(view, &SliceViewport::windowEdited, this, &CtReadingController::applyWindow);
    connect(view, &SliceViewport::sliceChanged, this, [this](int) { updateCrosshairs(); });
    connect(view, &SliceViewport::pointPicked, this, &CtReadingController::goToPoint);
    connect(view, &SliceViewport::measurementDrawn, this,
            [this, view](SliceViewport::Tool kind, core::Vec3 a, core::Vec3 b) {
              recordMeasurement({kind, view->plane(), a, b}, view->slice());
            });
  }
  layout->addWidget(viewports_[0], 0, 0);
  layout->addWidget(viewports_[1], 0, 1);
  layout->addWidget(viewports_[2], 1, 0);
  volumeView_ = new VolumeRenderView(grid_);
  layout->addWidget(volumeView_, 1, 1);
  layout->setRowStretch(0, 1);
  layout->setRowStretch(1, 1);
  layout->setColumnStretch(0, 1);
  layout->setColumnStretch(1, 1);
}

SliceViewport* CtReadingController::viewport(core::SlicePlane plane) const {
  for (auto* v : viewports_) {
    if (v->plane() == plane) return v;
  }
  return nullptr;
}

void CtReadingController::showPreview(const QImage& slice, double pixelAspect, int slices) {
  viewport(core::SlicePlane::Axial)
      ->showPreview(slice, pixelAspect,
                    tr("Axial, middle slice\nloading %n slices ...", nullptr, slices));
}

void CtReadingController::clearPreview() {
  for (auto* v : viewports_) v->clearPreview();
}

void CtReadingController::showVolume(std::shared_ptr<const core::CtVolume> volume,
                                     const QString& caption, const QString& cornerText) {
  volume_ = std::move(volume);
  for (auto* v : viewports_) {
    v->setVolume(volume_, caption);
    v->setCornerText(cornerText);
  }
  volumeView_->setMarkers({});
  volumeView_->setVolume(volume_);
  showStoredMeasurements();
  updateCrosshairs();
}

void CtReadingController::applyWindow(core::HuWindow window) {
  for (auto* v : viewports_) v->setWindow(window);
}

void CtReadingController::askWindow() {
  QDialog dialog(parentWidget_);
  dialog.setWindowTitle(tr("Window and level"));
  auto* form = new QFormLayout(&dialog);
  auto* width = new QDoubleSpinBox(&dialog);
  width->setRange(1, 10000);
  width->setDecimals(0);
  width->setSuffix(tr(" HU"));
  auto* level = new QDoubleSpinBox(&dialog);
  level->setRange(-2000, 4000);
  level->setDecimals(0);
  level->setSuffix(tr(" HU"));
  const core::HuWindow current = viewports_[0]->window();
  width->setValue(current.width);
  level->setValue(current.center);
  form->addRow(tr("Width"), width);
  form->addRow(tr("Level (centre)"), level);
  auto* buttons = new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel, &dialog);
  connect(buttons, &QDialogButtonBox::accepted, &dialog, &QDialog::accept);
  connect(buttons, &QDialogButtonBox::rejected, &dialog, &QDialog::reject);
  form->addRow(buttons);
  if (dialog.exec() == QDialog::Accepted) applyWindow({level->value(), width->value()});
}

void CtReadingController::setSingleView(bool single) {
  // The view with the keyboard focus fills the grid; axial when none has it.
  QWidget* kept = viewports_[0];
  for (auto* v : viewports_) {
    if (v->hasFocus()) kept = v;
  }
  if (volumeView_->hasFocus()) kept = volumeView_;
  for (auto* v : viewports_) v->setVisible(!single || v == kept);
  volumeView_->setVisible(!single || volumeView_ == kept);
}

void CtReadingController::showCrosshair(bool shown) {
  for (auto* v : viewports_) v->showCrosshair(shown);
}

void CtReadingController::resetViews() {
  for (auto* v : viewports_) v->resetCamera();
  volumeView_->resetCamera();
}

core::Vec3 CtReadingController::viewsIntersection() const {
  if (!volume_) return {};
  const auto slice = [this](core::SlicePlane plane) {
    const SliceViewport* v = viewport(plane);
    return v ? static_cast<double>(v->slice()) : 0.0;
  };
  // Sagittal slices step along i, coronal along j, axial along k.
  return volume_->geometry().indexToPhysical({slice(core::SlicePlane::Sagittal),
                                              slice(core::SlicePlane::Coronal),
                                              slice(core::SlicePlane::Axial)});
}

void CtReadingController::goToPoint(const core::Vec3& pointMm) {
  if (!volume_) return;
  const core::Vec3 index = volume_->geometry().physicalToIndex(pointMm);
  viewport(core::SlicePlane::Sagittal)->setSlice(static_cast<int>(std::lround(index.x)));
  viewport(core::SlicePlane::Coronal)->setSlice(static_cast<int>(std::lround(index.y)));
  viewport(core::SlicePlane::Axial)->setSlice(static_cast<int>(std::lround(index.z)));
  updateCrosshairs();
}

void CtReadingController::updateCrosshairs() {
  if (!volume_) return;
  const core::Vec3 meet = viewsIntersection();
  for (auto* v : viewports_) v->setCrosshair(meet);
}

void CtReadingController::setHeatmap(std::shared_ptr<const core::FloatVolume> heatmap) {
  for (auto* v : viewports_) v->setOverlay(heatmap);
}

void CtReadingController::setOverlayVisible(bool visible) {
  for (auto* v : viewports_) v->setOverlayVisible(visible);
}

void CtReadingController::setOverlayColors(OverlayColors colors) {
  for (auto* v : viewports_) v->setOverlayColors(colors);
}

void CtReadingController::setOverlayOpacity(double opacity) {
  for (auto* v : viewports_) v->setOverlayOpacity(opacity);
}

void CtReadingController::showMarker(const core::Vec3& centerMm, double diameterMm) {
  for (auto* v : viewports_) v->showMarker(centerMm, diameterMm);
}

void CtReadingController::clearMarker() {
  for (auto* v : viewports_) v->clearMarker();
}

void CtReadingController::showReferenceNodules(
    const std::vector<std::pair<core::Vec3, double>>& nodules) {
  for (SliceViewport* view : viewports_) view->showReferenceNodules(nodules);
}

void CtReadingController::showReviewedFindings(const std::vector<core::ReviewedFinding>& reviewed) {
  // Green what the reader accepted, grey what they rejected, yellow what
  // waits for a decision.
  std::vector<VolumeMarker> markers;
  for (const auto& f : reviewed) {
    const QColor color = f.acceptedByReader()                     ? QColor(60, 200, 90)
                         : f.state == core::ReviewState::Rejected ? QColor(140, 140, 140)
                                                                  : QColor(250, 210, 40);
    markers.push_back({f.centerMm, f.diameterMm, color});
  }
  volumeView_->setMarkers(markers);
}

void CtReadingController::setMeasureTool(SliceViewport::Tool tool) {
  for (auto* v : viewports_) v->setTool(tool);
  const QString what = tool == SliceViewport::Tool::Length ? tr("Length: left drag in a view")
                       : tool == SliceViewport::Tool::CircleRoi
                           ? tr("Circular ROI: left drag from its centre")
                           : tr("Window/level on left drag");
  Q_EMIT status(what, 5000);
}

bool CtReadingController::recordMeasurement(const DrawnMeasurement& drawn, int slice) {
  if (!volume_) return false;
  core::Measurement m = measure(drawn, *volume_, slice);
  auto saved = session_->recordMeasurement(m);
  if (!saved.ok()) {
    problems_->report(saved.error(), tr("The measurement was NOT saved (see Problems)"));
    return false;
  }
  m.id = saved.value();
  m.studyUid = session_->studyUid().toStdString();
  m.seriesUid = session_->seriesUid().toStdString();
  m.reader = session_->reader().toStdString();
  showMeasurement(m);
  Q_EMIT status(m.kind == "length"
                    ? tr("Length %1 mm saved").arg(DisplayNames::number(m.value, 1))
                    : tr("ROI mean %1 HU saved").arg(DisplayNames::number(m.value, 1)),
                5000);
  return true;
}

bool CtReadingController::withdrawMeasurement(const core::Measurement& standing) {
  core::Measurement withdrawal = standing;  // the entry repeats what it withdraws
  withdrawal.id = 0;
  withdrawal.withdraws = standing.id;
  auto saved = session_->recordMeasurement(withdrawal);
  if (!saved.ok()) {
    problems_->report(saved.error(), tr("The measurement was NOT withdrawn (see Problems)"));
    return false;
  }
  for (auto* v : viewports_) v->clearMeasurements();
  showStoredMeasurements();
  Q_EMIT status(tr("Measurement withdrawn"), 5000);
  return true;
}

void CtReadingController::showMeasurement(const core::Measurement& stored) {
  const auto drawn = drawingOf(stored);
  if (!drawn) return;
  viewport(drawn->plane)->addMeasurement(drawn->kind, drawn->a, drawn->b);
  measurements_->add(stored, volume_.get());
}

void CtReadingController::showStoredMeasurements() {
  measurements_->clear();
  auto stored = session_->measurements();
  if (!stored.ok()) {
    problems_->report(stored.error());
    return;
  }
  for (const auto& m : stored.value()) showMeasurement(m);
}

void CtReadingController::goToMeasurement(const core::Measurement& measurement) {
  const auto drawn = drawingOf(measurement);
  if (!drawn || !volume_) return;
  viewport(drawn->plane)->setSlice(sliceThrough(drawn->a, drawn->plane, *volume_));
}

}  // namespace vigie::app
