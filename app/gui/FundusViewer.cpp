#include "FundusViewer.h"

#include <QCheckBox>
#include <QDir>
#include <QGraphicsPixmapItem>
#include <QGraphicsScene>
#include <QGraphicsView>
#include <QHBoxLayout>
#include <QImage>
#include <QLabel>
#include <QListWidget>
#include <QVBoxLayout>
#include <QWheelEvent>
#include <cmath>

#include "vigie/imaging/fundus/FundusEnhancement.h"
#include "vigie/imaging/fundus/ImageFile.h"

namespace vigie::app {

FundusViewer::FundusViewer(QWidget* parent) : QWidget(parent) {
  auto* layout = new QHBoxLayout(this);
  list_ = new QListWidget(this);
  list_->setObjectName("fundusList");
  list_->setMaximumWidth(220);
  layout->addWidget(list_);

  auto* right = new QVBoxLayout;
  auto* controls = new QHBoxLayout;
  green_ = new QCheckBox("Green channel (G)", this);
  green_->setShortcut(QKeySequence(Qt::Key_G));
  contrast_ = new QCheckBox("Contrast, CLAHE (E)", this);
  contrast_->setShortcut(QKeySequence(Qt::Key_E));
  caption_ = new QLabel(this);
  controls->addWidget(green_);
  controls->addWidget(contrast_);
  controls->addStretch(1);
  controls->addWidget(caption_);
  right->addLayout(controls);
  scene_ = new QGraphicsScene(this);
  pixmap_ = scene_->addPixmap(QPixmap());
  view_ = new QGraphicsView(scene_, this);
  view_->setDragMode(QGraphicsView::ScrollHandDrag);
  view_->setTransformationAnchor(QGraphicsView::AnchorUnderMouse);
  view_->setBackgroundBrush(Qt::black);
  view_->viewport()->installEventFilter(this);
  right->addWidget(view_, 1);
  layout->addLayout(right, 1);

  connect(list_, &QListWidget::currentRowChanged, this, &FundusViewer::showPhotograph);
  connect(green_, &QCheckBox::toggled, this, &FundusViewer::render);
  connect(contrast_, &QCheckBox::toggled, this, &FundusViewer::render);
}

int FundusViewer::openFolder(const QString& folder) {
  list_->clear();
  const QDir dir(folder);
  for (const QString& name :
       dir.entryList({"*.jpg", "*.jpeg", "*.png", "*.tif", "*.tiff"}, QDir::Files, QDir::Name)) {
    if (name.endsWith("_lesions.png")) continue;  // the synthetic ground truth, not a photograph
    auto* item = new QListWidgetItem(name, list_);
    item->setData(Qt::UserRole, dir.filePath(name));
  }
  if (list_->count() > 0) list_->setCurrentRow(0);
  return list_->count();
}

int FundusViewer::photographCount() const { return list_->count(); }

void FundusViewer::setGreenChannel(bool on) { green_->setChecked(on); }
void FundusViewer::setContrastEnhanced(bool on) { contrast_->setChecked(on); }

void FundusViewer::showPhotograph(int row) {
  if (row < 0) return;
  const QString path = list_->item(row)->data(Qt::UserRole).toString();
  auto image = imaging::readImageFile(path.toStdString());
  if (!image.ok()) {
    Q_EMIT problem(QString::fromStdString(image.error().message));
    return;
  }
  original_ = std::move(image.value());
  caption_->setText(QString("%1  %2 x %3")
                        .arg(list_->item(row)->text())
                        .arg(original_.width)
                        .arg(original_.height));
  render();
  fitToView_ = true;
  fitIfNotZoomed();
}

void FundusViewer::fitIfNotZoomed() {
  if (fitToView_) view_->fitInView(pixmap_, Qt::KeepAspectRatio);
}

void FundusViewer::showEvent(QShowEvent* event) {
  QWidget::showEvent(event);
  fitIfNotZoomed();  // the view has its real size only once shown
}

void FundusViewer::resizeEvent(QResizeEvent* event) {
  QWidget::resizeEvent(event);
  fitIfNotZoomed();
}

void FundusViewer::render() {
  if (original_.empty()) return;
  shown_ = contrast_->isChecked() ? imaging::enhanceContrast(original_) : original_;
  if (green_->isChecked()) shown_ = imaging::greenChannel(shown_);
  const QImage image(shown_.pixels.data(), shown_.width, shown_.height, shown_.width * 3,
                     QImage::Format_RGB888);
  pixmap_->setPixmap(QPixmap::fromImage(image));  // fromImage copies: shown_ may change later
  scene_->setSceneRect(pixmap_->boundingRect());
}

bool FundusViewer::eventFilter(QObject* watched, QEvent* event) {
  if (watched == view_->viewport() && event->type() == QEvent::Wheel) {
    const auto* wheel = static_cast<QWheelEvent*>(event);
    const double factor = std::pow(1.15, wheel->angleDelta().y() / 120.0);
    view_->scale(factor, factor);
    fitToView_ = false;
    return true;
  }
  return QWidget::eventFilter(watched, event);
}

}  // namespace vigie::app
