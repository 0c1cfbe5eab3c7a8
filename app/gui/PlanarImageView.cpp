#include "PlanarImageView.h"

#include <QHBoxLayout>
#include <QKeyEvent>
#include <QLabel>
#include <QLineF>
#include <QMouseEvent>
#include <QPainter>
#include <QSignalBlocker>
#include <QSlider>
#include <QSpinBox>
#include <QTimer>
#include <QToolButton>
#include <QVBoxLayout>
#include <QWheelEvent>
#include <algorithm>
#include <cmath>

#include "DisplayNames.h"
#include "QtImages.h"
#include "vigie/imaging/dicom/PlanarImage.h"

namespace vigie::app {
namespace {

constexpr double kDefaultFramesPerSecond = 10.0;
constexpr double kMinZoom = 0.05;
constexpr double kMaxZoom = 64.0;
/// Below this drag (screen pixels) a left click is a click, not a measurement.
constexpr double kMinMeasureDrag = 3.0;
/// Of the image's own window width per screen pixel of a right drag: the
/// whole width in about 200 pixels whatever the units (HU, Gy, raw counts).
constexpr double kWindowDragRate = 1.0 / 200.0;
constexpr int kOverlayMargin = 6;
const QColor kMeasureColor(255, 220, 0);
/// Lengths already in the review store: a cooler colour than the one being drawn.
const QColor kStoredColor(120, 220, 255);

bool hasPixels(const imaging::PlanarImage& image) {
  if (image.rows <= 0 || image.columns <= 0 || image.frames <= 0) return false;
  const std::size_t samples = image.pixelsPerFrame() * static_cast<std::size_t>(image.frames);
  return image.color ? image.rgb.size() >= samples * 3 : image.values.size() >= samples;
}

/// The spacing only counts when both steps are usable: a file with a zero
/// step would otherwise give a flat image and zero-length measurements.
bool usableSpacing(const imaging::PlanarSpacing& spacing) {
  return spacing.calibrated() && spacing.rowMm > 0.0 && spacing.columnMm > 0.0;
}

/// Height over width of one pixel on screen, so ultrasound and some
/// secondary captures with non-square pixels are not stretched.
double pixelAspect(const imaging::PlanarImage& image) {
  if (!usableSpacing(image.spacing)) return 1.0;
  return std::clamp(image.spacing.rowMm / image.spacing.columnMm, 0.1, 10.0);
}

/// Few digits for large values (HU, raw counts), significant ones for small
/// (Gy, SUV), never exponents for the values an image holds.
QString formatValue(double value) {
  if (std::abs(value) >= 100.0) return DisplayNames::number(value, 0);
  return DisplayNames::number(value, 4, 'g');
}

QString formatRate(double fps) {
  const bool whole = std::abs(fps - std::round(fps)) < 0.05;
  return DisplayNames::number(fps, whole ? 0 : 1);
}

QString measurementLabel(const imaging::PlanarImage& image, QPointF from, QPointF to) {
  const imaging::PlanarLength length = image.length(from.x(), from.y(), to.x(), to.y());
  if (length.source == imaging::SpacingSource::None) {
    const QString pixels = DisplayNames::number(length.value, length.value < 10.0 ? 1 : 0);
    if (length.outsideRegions) {
      //: A length in pixels: its ends are not inside one calibrated ultrasound region.
      return PlanarImageView::tr("%1 px (not within one ultrasound region)").arg(pixels);
    }
    //: A length in pixels (the image is not calibrated).
    return PlanarImageView::tr("%1 px").arg(pixels);
  }
  return QString("%1 %2")
      .arg(DisplayNames::number(length.value, 1))
      .arg(DisplayNames::spacingUnit(length.source));
}

QString spacingSourceText(const imaging::PlanarSpacing& spacing) {
  if (!usableSpacing(spacing)) return PlanarImageView::tr("not calibrated");
  //: The pixel spacing: between rows × between columns.
  const QString steps = PlanarImageView::tr("%1 × %2 mm")
                            .arg(DisplayNames::number(spacing.rowMm, 4, 'g'))
                            .arg(DisplayNames::number(spacing.columnMm, 4, 'g'));
  switch (spacing.source) {
    case imaging::SpacingSource::Patient:
      //: %1: the pixel spacing (Pixel Spacing is the DICOM attribute's name).
      return PlanarImageView::tr("calibrated: Pixel Spacing %1").arg(steps);
    case imaging::SpacingSource::Detector:
      //: %1: the pixel spacing (Imager Pixel Spacing is the DICOM attribute's name).
      return PlanarImageView::tr("at the detector (Imager Pixel Spacing) %1").arg(steps);
    case imaging::SpacingSource::UltrasoundRegion:
      //: %1: the pixel spacing of the ultrasound region.
      return PlanarImageView::tr("ultrasound region %1").arg(steps);
    case imaging::SpacingSource::None:
      break;
  }
  return PlanarImageView::tr("not calibrated");
}

/// White text with a black shadow: legible over both bright bone and black air.
void drawShadowedText(QPainter& painter, const QRectF& box, int flags, const QString& text) {
  painter.setPen(Qt::black);
  painter.drawText(box.translated(1, 1), flags, text);
  painter.setPen(QColor(235, 235, 235));
  painter.drawText(box, flags, text);
}

/// Where the image lies on the canvas: widget = origin + (column * sx, row * sy).
struct Placement {
  QPointF origin;
  double sx = 1.0;
  double sy = 1.0;

  QPointF toWidget(QPointF pixel) const {
    return {origin.x() + pixel.x() * sx, origin.y() + pixel.y() * sy};
  }
  QPointF toPixel(QPointF widget) const {
    return {(widget.x() - origin.x()) / sx, (widget.y() - origin.y()) / sy};
  }
};

}  // namespace

/// The drawing surface of a PlanarImageView: it keeps what belongs to the
/// screen (zoom, pan, the measurement, the pixel under the mouse) and reads
/// the image, frame and window from the view.
class PlanarCanvas : public QWidget {
 public:
  explicit PlanarCanvas(PlanarImageView* view) : QWidget(view), view_(view) {
    setMouseTracking(true);
    setFocusPolicy(Qt::StrongFocus);
    // The right button sets the window: a context menu would cut the drag short.
    setContextMenuPolicy(Qt::PreventContextMenu);
    setAttribute(Qt::WA_OpaquePaintEvent);
    setMinimumSize(64, 64);
  }

  void fit() {
    zoom_ = 1.0;
    pan_ = {};
    update();
  }

  QString setMeasurement(QPointF from, QPointF to) {
    const imaging::PlanarImage* image = view_->current();
    if (!image) return {};
    measuring_ = true;
    from_ = from;
    to_ = to;
    measureText_ = measurementLabel(*image, from, to);
    update();
    return measureText_;
  }

  void clearMeasurement() {
    measuring_ = false;
    measureText_.clear();
    update();
  }

  const QString& measurementText() const { return measureText_; }

  /// Back to the fitted view when the new image has another shape, so it
  /// is not shown off-screen at the previous image's zoom.
  void imageReplaced(bool sameShape) {
    clearMeasurement();
    hovering_ = false;
    if (!sameShape) fit();
  }

 protected:
  void paintEvent(QPaintEvent*) override;
  void mousePressEvent(QMouseEvent* event) override;
  void mouseMoveEvent(QMouseEvent* event) override;
  void mouseReleaseEvent(QMouseEvent* event) override;
  void mouseDoubleClickEvent(QMouseEvent* event) override;
  void wheelEvent(QWheelEvent* event) override;
  void leaveEvent(QEvent*) override {
    hovering_ = false;
    update();
  }

 private:
  enum class Drag { None, Pan, Window, Measure };

  Placement placement(const imaging::PlanarImage& image) const;
  QPointF clampToImage(QPointF pixel, const imaging::PlanarImage& image) const;
  void trackHover(QPointF widget);
  void dragWindow(QPointF widget);
  void drawImage(QPainter& painter, const imaging::PlanarImage& image, const Placement& at);
  void drawMeasurement(QPainter& painter, const Placement& at) const;
  void drawLength(QPainter& painter, const Placement& at, QPointF from, QPointF to,
                  const QString& label, const QColor& color) const;
  void drawCorners(QPainter& painter, const imaging::PlanarImage& image) const;
  void drawNotes(QPainter& painter, const imaging::PlanarImage& image) const;
  QString bottomLeftText(const imaging::PlanarImage& image) const;

  PlanarImageView* view_;
  double zoom_ = 1.0;  ///< relative to the fitted size
  QPointF pan_;        ///< screen pixels from the centred position
  Drag drag_ = Drag::None;
  QPointF dragLast_;
  QPointF dragStart_;
  double dragCenter_ = 0.0;
  double dragWidth_ = 1.0;
  bool measuring_ = false;
  QPointF from_, to_;  ///< image pixels
  QString measureText_;
  bool hovering_ = false;
  QPoint hoverPixel_;
};

Placement PlanarCanvas::placement(const imaging::PlanarImage& image) const {
  const double aspect = pixelAspect(image);
  const double fitScale =
      std::min(width() / double(image.columns), height() / (image.rows * aspect));
  Placement at;
  at.sx = std::max(fitScale * zoom_, 1e-6);
  at.sy = at.sx * aspect;
  const QPointF center = QRectF(rect()).center() + pan_;
  at.origin = center - QPointF(image.columns * at.sx / 2.0, image.rows * at.sy / 2.0);
  return at;
}

QPointF PlanarCanvas::clampToImage(QPointF pixel, const imaging::PlanarImage& image) const {
  return {std::clamp(pixel.x(), 0.0, double(image.columns)),
          std::clamp(pixel.y(), 0.0, double(image.rows))};
}

void PlanarCanvas::paintEvent(QPaintEvent*) {
  QPainter painter(this);
  painter.fillRect(rect(), Qt::black);
  const imaging::PlanarImage* image = view_->current();
  if (!image || !hasPixels(*image)) {
    painter.setPen(QColor(150, 150, 150));
    painter.drawText(
        rect(), Qt::AlignCenter,
        image ? PlanarImageView::tr("Image without pixels") : PlanarImageView::tr("No image"));
    return;
  }
  const Placement at = placement(*image);
  drawImage(painter, *image, at);
  drawMeasurement(painter, at);
  drawCorners(painter, *image);
  drawNotes(painter, *image);
}

void PlanarCanvas::drawImage(QPainter& painter, const imaging::PlanarImage& image,
                             const Placement& at) {
  const QImage& frame = view_->renderedFrame();
  if (frame.isNull()) return;
  painter.setRenderHint(QPainter::SmoothPixmapTransform);
  const QRectF target(at.origin, QSizeF(image.columns * at.sx, image.rows * at.sy));
  painter.drawImage(target, frame);
}

void PlanarCanvas::drawMeasurement(QPainter& painter, const Placement& at) const {
  const imaging::PlanarImage* image = view_->current();
  for (const auto& stored : view_->storedLengths_) {
    if (image && stored.sopInstanceUid == image->sopInstanceUid && stored.frame == view_->frame())
      drawLength(painter, at, stored.fromPixel, stored.toPixel,
                 measurementLabel(*image, stored.fromPixel, stored.toPixel), kStoredColor);
  }
  if (measuring_) drawLength(painter, at, from_, to_, measureText_, kMeasureColor);
}

void PlanarCanvas::drawLength(QPainter& painter, const Placement& at, QPointF from, QPointF to,
                              const QString& label, const QColor& color) const {
  const QPointF a = at.toWidget(from);
  const QPointF b = at.toWidget(to);
  painter.setRenderHint(QPainter::Antialiasing);
  painter.setPen(QPen(color, 1.5));
  painter.drawLine(a, b);
  for (const QPointF& end : {a, b}) painter.drawEllipse(end, 3.0, 3.0);
  // Beside the end point, but kept on the canvas when the end is at its edge.
  const QRectF box = painter.fontMetrics().boundingRect(label).adjusted(-2, -2, 2, 2);
  QPointF corner = b + QPointF(8, -8 - box.height());
  corner.setX(std::clamp(corner.x(), 0.0, std::max(0.0, width() - box.width())));
  corner.setY(std::clamp(corner.y(), 0.0, std::max(0.0, height() - box.height())));
  painter.setPen(Qt::black);
  painter.drawText(QRectF(corner + QPointF(1, 1), box.size()), Qt::AlignCenter, label);
  painter.setPen(color);
  painter.drawText(QRectF(corner, box.size()), Qt::AlignCenter, label);
}

void PlanarCanvas::drawCorners(QPainter& painter, const imaging::PlanarImage& image) const {
  const QRectF box =
      QRectF(rect()).adjusted(kOverlayMargin, kOverlayMargin, -kOverlayMargin, -kOverlayMargin);
  QStringList topLeft;
  if (!view_->caption().isEmpty()) topLeft << view_->caption();
  const QString modality = QString::fromStdString(image.modality);
  const QString description = QString::fromStdString(image.description);
  if (!modality.isEmpty() && !description.isEmpty())
    topLeft << modality + " · " + description;
  else if (!modality.isEmpty() || !description.isEmpty())
    topLeft << modality + description;
  drawShadowedText(painter, box, Qt::AlignLeft | Qt::AlignTop, topLeft.join('\n'));
  if (view_->imageCount() > 1) {
    drawShadowedText(
        painter, box, Qt::AlignRight | Qt::AlignTop,
        PlanarImageView::tr("image %1 / %2").arg(view_->image() + 1).arg(view_->imageCount()));
  }
  drawShadowedText(painter, box, Qt::AlignLeft | Qt::AlignBottom, bottomLeftText(image));
  drawShadowedText(painter, box, Qt::AlignRight | Qt::AlignBottom,
                   spacingSourceText(image.spacing));
}

QString PlanarCanvas::bottomLeftText(const imaging::PlanarImage& image) const {
  QStringList lines;
  if (!image.color && view_->showingFileVoiLut()) {
    const QString explanation = QString::fromStdString(image.voiLut->explanation);
    //: The image is drawn through the lookup table its file gives (%1: the table's name, may be
    //: empty); VOI LUT is the DICOM term.
    lines << PlanarImageView::tr("VOI LUT %1").arg(explanation).trimmed();
  } else if (!image.color) {
    //: The display window: its centre / its width.
    lines << PlanarImageView::tr("W %1 / %2")
                 .arg(formatValue(view_->windowCenter()), formatValue(view_->windowWidth()));
  }
  if (hovering_) {
    const double value = image.valueAt(view_->frame(), hoverPixel_.x(), hoverPixel_.y());
    const QString shown =
        image.color ? PlanarImageView::tr("luminance %1").arg(formatValue(value))
                    : (formatValue(value) + ' ' + QString::fromStdString(image.units)).trimmed();
    //: %1: the value under the mouse; (%2, %3): the pixel's column and row.
    lines << PlanarImageView::tr("%1 at (%2, %3)")
                 .arg(shown)
                 .arg(hoverPixel_.x())
                 .arg(hoverPixel_.y());
  }
  return lines.join('\n');
}

void PlanarCanvas::drawNotes(QPainter& painter, const imaging::PlanarImage& image) const {
  if (image.notes.empty()) return;
  QFont small = painter.font();
  small.setPointSizeF(std::max(6.0, small.pointSizeF() * 0.85));
  painter.save();
  painter.setFont(small);
  const QRectF box =
      QRectF(rect()).adjusted(kOverlayMargin, kOverlayMargin, -kOverlayMargin, -kOverlayMargin);
  drawShadowedText(painter, box, Qt::AlignHCenter | Qt::AlignTop,
                   QString::fromStdString(image.notes.front()));
  painter.restore();
}

void PlanarCanvas::mousePressEvent(QMouseEvent* event) {
  setFocus();
  const imaging::PlanarImage* image = view_->current();
  if (!image || !hasPixels(*image)) return;
  const QPointF at = event->position();
  dragLast_ = at;
  dragStart_ = at;
  const bool panning =
      event->button() == Qt::MiddleButton ||
      (event->button() == Qt::LeftButton && (event->modifiers() & Qt::ControlModifier));
  if (panning) {
    drag_ = Drag::Pan;
  } else if (event->button() == Qt::RightButton) {
    // Colour pixels are shown as they are: there is no window to set.
    drag_ = image->color ? Drag::None : Drag::Window;
    dragCenter_ = view_->windowCenter();
    dragWidth_ = view_->windowWidth();
  } else if (event->button() == Qt::LeftButton) {
    drag_ = Drag::Measure;
    const QPointF pixel = clampToImage(placement(*image).toPixel(at), *image);
    setMeasurement(pixel, pixel);
  }
  event->accept();
}

void PlanarCanvas::mouseMoveEvent(QMouseEvent* event) {
  const QPointF at = event->position();
  trackHover(at);
  const imaging::PlanarImage* image = view_->current();
  if (!image || drag_ == Drag::None) return;
  switch (drag_) {
    case Drag::Pan:
      pan_ += at - dragLast_;
      update();
      break;
    case Drag::Window:
      dragWindow(at);
      break;
    case Drag::Measure:
      setMeasurement(from_, clampToImage(placement(*image).toPixel(at), *image));
      break;
    case Drag::None:
      break;
  }
  dragLast_ = at;
}

void PlanarCanvas::dragWindow(QPointF widget) {
  const imaging::PlanarImage* image = view_->current();
  if (!image) return;
  const double rate = std::max(image->windowWidth, 1e-6) * kWindowDragRate;
  const QPointF moved = widget - dragStart_;
  // Right widens the window; down raises the centre (darker), as on most PACS.
  view_->setWindow(dragCenter_ + moved.y() * rate, std::max(dragWidth_ + moved.x() * rate, rate));
}

void PlanarCanvas::mouseReleaseEvent(QMouseEvent* event) {
  const bool wasClick = QLineF(dragStart_, event->position()).length() < kMinMeasureDrag;
  const bool measured = drag_ == Drag::Measure && !wasClick && measuring_;
  if (drag_ == Drag::Measure && wasClick) clearMeasurement();
  drag_ = Drag::None;
  event->accept();
  if (measured) Q_EMIT view_->lengthDrawn(from_, to_);
}

void PlanarCanvas::mouseDoubleClickEvent(QMouseEvent* event) {
  if (event->button() != Qt::LeftButton) return;
  drag_ = Drag::None;
  fit();
  event->accept();
}

void PlanarCanvas::wheelEvent(QWheelEvent* event) {
  const imaging::PlanarImage* image = view_->current();
  const int delta = event->angleDelta().y();
  if (!image || !hasPixels(*image) || delta == 0) return;
  // The image point under the cursor stays under it: readers zoom onto a detail.
  const QPointF cursor = event->position();
  const QPointF pixel = placement(*image).toPixel(cursor);
  zoom_ = std::clamp(zoom_ * std::pow(1.2, delta / 120.0), kMinZoom, kMaxZoom);
  const Placement zoomed = placement(*image);
  pan_ += cursor - zoomed.toWidget(pixel);
  update();
  event->accept();
}

void PlanarCanvas::trackHover(QPointF widget) {
  const imaging::PlanarImage* image = view_->current();
  if (!image || !hasPixels(*image)) return;
  const QPointF pixel = placement(*image).toPixel(widget);
  const QPoint cell(int(std::floor(pixel.x())), int(std::floor(pixel.y())));
  const bool inside =
      cell.x() >= 0 && cell.y() >= 0 && cell.x() < image->columns && cell.y() < image->rows;
  if (inside == hovering_ && cell == hoverPixel_) return;
  hovering_ = inside;
  hoverPixel_ = cell;
  update();
}

PlanarImageView::PlanarImageView(QWidget* parent) : QWidget(parent) {
  auto* layout = new QVBoxLayout(this);
  layout->setContentsMargins(0, 0, 0, 0);
  layout->setSpacing(0);
  canvas_ = new PlanarCanvas(this);
  canvas_->setObjectName("planarCanvas");
  layout->addWidget(canvas_, 1);

  controls_ = new QWidget(this);
  auto* bar = new QHBoxLayout(controls_);
  bar->setContentsMargins(4, 2, 4, 2);
  playButton_ = new QToolButton(controls_);
  playButton_->setObjectName("planarPlay");
  playButton_->setText(tr("Play"));
  playButton_->setToolTip(tr("Play or pause the cine loop (Space)"));
  // Keys belong to the canvas: a focused button or slider would take Space and arrows.
  playButton_->setFocusPolicy(Qt::NoFocus);
  frameSlider_ = new QSlider(Qt::Horizontal, controls_);
  frameSlider_->setObjectName("planarFrameSlider");
  frameSlider_->setFocusPolicy(Qt::NoFocus);
  frameLabel_ = new QLabel(controls_);
  frameLabel_->setObjectName("planarFrameLabel");
  imageChooser_ = new QSpinBox(controls_);
  imageChooser_->setObjectName("planarImageChooser");
  //: Before the image's number in the series: "image 3 / 12".
  imageChooser_->setPrefix(tr("image "));
  imageChooser_->setToolTip(tr("Image of the series (Up/Down, PageUp/PageDown)"));
  bar->addWidget(playButton_);
  bar->addWidget(frameSlider_, 1);
  bar->addWidget(frameLabel_);
  bar->addStretch(0);
  bar->addWidget(imageChooser_);
  layout->addWidget(controls_);
  setFocusProxy(canvas_);
  setFocusPolicy(Qt::StrongFocus);

  cineTimer_ = new QTimer(this);
  cineTimer_->setTimerType(Qt::PreciseTimer);
  connect(cineTimer_, &QTimer::timeout, this, &PlanarImageView::advanceCine);
  connect(playButton_, &QToolButton::clicked, this, &PlanarImageView::togglePlay);
  connect(frameSlider_, &QSlider::sliderPressed, this, &PlanarImageView::pause);
  connect(frameSlider_, &QSlider::valueChanged, this, &PlanarImageView::setFrame);
  connect(imageChooser_, qOverload<int>(&QSpinBox::valueChanged), this,
          [this](int shown) { setImage(shown - 1); });
  syncControls();
}

PlanarImageView::~PlanarImageView() = default;

void PlanarImageView::setImages(std::vector<std::shared_ptr<const imaging::PlanarImage>> images,
                                const QString& caption) {
  pause();
  images.erase(std::remove(images.begin(), images.end(), nullptr), images.end());
  images_ = std::move(images);
  caption_ = caption;
  image_ = 0;
  frame_ = 0;
  canvas_->imageReplaced(false);
  resetWindowToImage();
  invalidateFrame();
  syncControls();
  if (!hasImages()) return;
  Q_EMIT imageChanged(image_);
  Q_EMIT frameChanged(frame_);
  Q_EMIT windowChanged(windowCenter_, windowWidth_);
}

void PlanarImageView::clear() { setImages({}, QString()); }

const imaging::PlanarImage* PlanarImageView::current() const {
  return hasImages() ? images_[static_cast<std::size_t>(image_)].get() : nullptr;
}

void PlanarImageView::setImage(int index) {
  if (!hasImages()) return;
  index = std::clamp(index, 0, imageCount() - 1);
  if (index == image_) return;
  const imaging::PlanarImage* before = current();
  image_ = index;
  const imaging::PlanarImage* now = current();
  canvas_->imageReplaced(before->rows == now->rows && before->columns == now->columns &&
                         pixelAspect(*before) == pixelAspect(*now));
  frame_ = 0;
  resetWindowToImage();
  invalidateFrame();
  // A loop keeps playing into the next loop, at that loop's own rate.
  if (playing()) {
    if (frameCount() > 1)
      cineTimer_->setInterval(int(std::lround(1000.0 / framesPerSecond())));
    else
      pause();
  }
  syncControls();
  Q_EMIT imageChanged(image_);
  Q_EMIT frameChanged(frame_);
  Q_EMIT windowChanged(windowCenter_, windowWidth_);
}

int PlanarImageView::frameCount() const {
  const imaging::PlanarImage* image = current();
  return image ? std::max(image->frames, 1) : 0;
}

void PlanarImageView::setFrame(int index) {
  if (!hasImages()) return;
  index = std::clamp(index, 0, frameCount() - 1);
  if (index == frame_) return;
  frame_ = index;
  invalidateFrame();
  syncControls();
  Q_EMIT frameChanged(frame_);
}

void PlanarImageView::setWindow(double center, double width) {
  width = std::max(width, 1e-6);
  if (center == windowCenter_ && width == windowWidth_ && !showingFileVoiLut()) return;
  windowCenter_ = center;
  windowWidth_ = width;
  fileVoiLut_ = false;
  invalidateFrame();
  Q_EMIT windowChanged(windowCenter_, windowWidth_);
}

void PlanarImageView::restoreImageWindow() {
  if (!hasImages()) return;
  resetWindowToImage();
  invalidateFrame();
  Q_EMIT windowChanged(windowCenter_, windowWidth_);
}

bool PlanarImageView::showingFileVoiLut() const {
  const imaging::PlanarImage* image = current();
  return fileVoiLut_ && image && image->voiLut;
}

void PlanarImageView::resetWindowToImage() {
  const imaging::PlanarImage* image = current();
  windowCenter_ = image ? image->windowCenter : 0.0;
  windowWidth_ = image ? std::max(image->windowWidth, 1e-6) : 1.0;
  fileVoiLut_ = true;
}

const QImage& PlanarImageView::renderedFrame() {
  if (frameStale_) {
    const imaging::PlanarImage* image = current();
    if (!image || !hasPixels(*image))
      frameImage_ = QImage();
    else if (showingFileVoiLut())
      frameImage_ = toQImage(image->render(frame_));
    else
      frameImage_ = toQImage(image->render(frame_, windowCenter_, windowWidth_));
    frameStale_ = false;
  }
  return frameImage_;
}

void PlanarImageView::invalidateFrame() {
  frameStale_ = true;
  canvas_->update();
}

void PlanarImageView::play() {
  if (frameCount() <= 1) return;
  cineTimer_->start(int(std::lround(1000.0 / framesPerSecond())));
  syncControls();
}

void PlanarImageView::pause() {
  cineTimer_->stop();
  syncControls();
}

bool PlanarImageView::playing() const { return cineTimer_->isActive(); }

void PlanarImageView::togglePlay() { playing() ? pause() : play(); }

void PlanarImageView::advanceCine() {
  const int count = frameCount();
  if (count <= 1) {
    pause();
    return;
  }
  setFrame((frame_ + 1) % count);
}

double PlanarImageView::framesPerSecond() const {
  const imaging::PlanarImage* image = current();
  if (!image || image->frameTimeMs <= 0.0) return kDefaultFramesPerSecond;
  return 1000.0 / image->frameTimeMs;
}

QString PlanarImageView::measure(QPointF fromPixel, QPointF toPixel) {
  const QString label = canvas_->setMeasurement(fromPixel, toPixel);
  if (!label.isEmpty()) Q_EMIT lengthDrawn(fromPixel, toPixel);
  return label;
}

void PlanarImageView::setStoredLengths(std::vector<StoredLength> lengths) {
  storedLengths_ = std::move(lengths);
  canvas_->update();
}

void PlanarImageView::addStoredLength(StoredLength length) {
  storedLengths_.push_back(std::move(length));
  canvas_->update();
}

std::optional<PlanarImageView::StoredLength> PlanarImageView::latestStoredLengthShown() const {
  const imaging::PlanarImage* image = current();
  if (!image) return std::nullopt;
  for (auto it = storedLengths_.rbegin(); it != storedLengths_.rend(); ++it) {
    if (it->sopInstanceUid == image->sopInstanceUid && it->frame == frame_) return *it;
  }
  return std::nullopt;
}

void PlanarImageView::removeStoredLength(std::int64_t id) {
  storedLengths_.erase(std::remove_if(storedLengths_.begin(), storedLengths_.end(),
                                      [&](const StoredLength& s) { return s.id == id; }),
                       storedLengths_.end());
  canvas_->clearMeasurement();  // the line just drawn may be the one withdrawn
}

int PlanarImageView::storedLengthsShown() const {
  const imaging::PlanarImage* image = current();
  if (!image) return 0;
  return static_cast<int>(
      std::count_if(storedLengths_.begin(), storedLengths_.end(), [&](const StoredLength& stored) {
        return stored.sopInstanceUid == image->sopInstanceUid && stored.frame == frame_;
      }));
}

QString PlanarImageView::measurementText() const { return canvas_->measurementText(); }

QImage PlanarImageView::snapshot() {
  // A view never shown has not laid out its canvas yet.
  if (layout()) layout()->activate();
  return grab().toImage();
}

QString PlanarImageView::frameLabelText() const {
  //: %1 / %2: the frame shown and the frames; %3: frames per second.
  return tr("frame %1 / %2 · %3 fps")
      .arg(frame_ + 1)
      .arg(frameCount())
      .arg(formatRate(framesPerSecond()));
}

void PlanarImageView::syncControls() {
  const bool cine = frameCount() > 1;
  const bool series = imageCount() > 1;
  controls_->setVisible(cine || series);
  playButton_->setVisible(cine);
  playButton_->setText(playing() ? tr("Pause") : tr("Play"));
  frameSlider_->setVisible(cine);
  frameSlider_->setEnabled(cine);
  frameLabel_->setVisible(cine);
  imageChooser_->setVisible(series);
  // The widgets follow the view; their signals must not echo back into it.
  const QSignalBlocker sliderQuiet(frameSlider_);
  const QSignalBlocker chooserQuiet(imageChooser_);
  frameSlider_->setRange(0, std::max(frameCount() - 1, 0));
  frameSlider_->setValue(frame_);
  if (cine) frameLabel_->setText(frameLabelText());
  imageChooser_->setRange(1, std::max(imageCount(), 1));
  imageChooser_->setSuffix(QString(" / %1").arg(imageCount()));
  imageChooser_->setValue(image_ + 1);
}

void PlanarImageView::keyPressEvent(QKeyEvent* event) {
  switch (event->key()) {
    case Qt::Key_Space:
      togglePlay();
      break;
    case Qt::Key_Left:
      pause();
      setFrame(frame_ - 1);
      break;
    case Qt::Key_Right:
      pause();
      setFrame(frame_ + 1);
      break;
    case Qt::Key_Home:
      pause();
      setFrame(0);
      break;
    case Qt::Key_End:
      pause();
      setFrame(frameCount() - 1);
      break;
    case Qt::Key_Up:
    case Qt::Key_PageUp:
      setImage(image_ - 1);
      break;
    case Qt::Key_Down:
    case Qt::Key_PageDown:
      setImage(image_ + 1);
      break;
    case Qt::Key_R:
      restoreImageWindow();
      break;
    case Qt::Key_Delete:
    case Qt::Key_Backspace:
      Q_EMIT withdrawLengthRequested();
      break;
    default:
      QWidget::keyPressEvent(event);
      return;
  }
  event->accept();
}

}  // namespace vigie::app
