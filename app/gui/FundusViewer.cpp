#include "FundusViewer.h"

#include <QCheckBox>
#include <QDir>
#include <QFileInfo>
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

#include "FundusAssessmentPanel.h"
#include "vigie/imaging/fundus/FundusEnhancement.h"
#include "vigie/imaging/fundus/Photograph.h"

namespace vigie::app {

FundusViewer::FundusViewer(QWidget* parent) : QWidget(parent) {
  auto* layout = new QHBoxLayout(this);
  list_ = new QListWidget(this);
  list_->setObjectName("fundusList");
  list_->setMinimumWidth(150);
  list_->setMaximumWidth(220);
  layout->addWidget(list_);

  auto* right = new QVBoxLayout;
  auto* controls = new QHBoxLayout;
  green_ = new QCheckBox("Green channel (G)", this);
  green_->setShortcut(QKeySequence(Qt::Key_G));
  contrast_ = new QCheckBox("Contrast, CLAHE (E)", this);
  contrast_->setShortcut(QKeySequence(Qt::Key_E));
  showHeatmap_ = new QCheckBox("Lesion heatmap (L)", this);
  showHeatmap_->setShortcut(QKeySequence(Qt::Key_L));
  showHeatmap_->setChecked(true);
  caption_ = new QLabel(this);
  controls->addWidget(green_);
  controls->addWidget(contrast_);
  controls->addWidget(showHeatmap_);
  controls->addStretch(1);
  controls->addWidget(caption_);
  right->addLayout(controls);
  scene_ = new QGraphicsScene(this);
  pixmap_ = scene_->addPixmap(QPixmap());
  heatmap_ = scene_->addPixmap(QPixmap());
  heatmap_->setZValue(1);
  view_ = new QGraphicsView(scene_, this);
  view_->setDragMode(QGraphicsView::ScrollHandDrag);
  view_->setTransformationAnchor(QGraphicsView::AnchorUnderMouse);
  view_->setBackgroundBrush(Qt::black);
  view_->viewport()->installEventFilter(this);
  right->addWidget(view_, 1);
  layout->addLayout(right, 1);
  assessment_ = new FundusAssessmentPanel(this);
  assessment_->setMinimumWidth(280);
  assessment_->setMaximumWidth(320);
  layout->addWidget(assessment_);
  connect(assessment_, &FundusAssessmentPanel::runModelRequested, this,
          &FundusViewer::runModelRequested);
  connect(assessment_, &FundusAssessmentPanel::gradeSubmitted, this,
          [this](int grade, bool gradable, const QString& note) {
            if (!identity_.isEmpty()) Q_EMIT gradeSubmitted(identity_, grade, gradable, note);
          });
  connect(showHeatmap_, &QCheckBox::toggled, this, [this](bool on) { heatmap_->setVisible(on); });

  connect(list_, &QListWidget::currentRowChanged, this, &FundusViewer::showPhotograph);
  connect(green_, &QCheckBox::toggled, this, &FundusViewer::render);
  connect(contrast_, &QCheckBox::toggled, this, &FundusViewer::render);
}

int FundusViewer::openFolder(const QString& folder) {
  list_->clear();
  // Names relative to the folder (just the name when a single file is opened).
  const QFileInfo opened(folder);
  const QDir dir(opened.isDir() ? opened.absoluteFilePath() : opened.absolutePath());
  // Lesion masks beside synthetic photographs are ground truth, not photographs.
  for (const auto& file : imaging::listPhotographs(folder.toStdString())) {
    const QString path = QFileInfo(QString::fromStdString(file.string())).absoluteFilePath();
    auto* item = new QListWidgetItem(dir.relativeFilePath(path), list_);
    item->setData(Qt::UserRole, path);
  }
  if (list_->count() > 0) list_->setCurrentRow(0);
  return list_->count();
}

void FundusViewer::selectPhotograph(int row) { list_->setCurrentRow(row); }

bool FundusViewer::heatmapShown() const {
  return showHeatmap_->isChecked() && !heatmap_->pixmap().isNull();
}

void FundusViewer::showModelResult(const FundusResult& result) {
  assessment_->showModelResult(result);
  if (result.heatmap.empty()) {
    heatmap_->setPixmap(QPixmap());
    return;
  }
  // Yellow to red with the lesion probability, transparent where there is none.
  QImage overlay(result.heatmap.width, result.heatmap.height, QImage::Format_ARGB32);
  for (int y = 0; y < result.heatmap.height; ++y) {
    auto* line = reinterpret_cast<QRgb*>(overlay.scanLine(y));
    for (int x = 0; x < result.heatmap.width; ++x) {
      const int p = result.heatmap.pixel(x, y)[0];
      // Below 0.25 is left clear: faint, diffuse probability is noise to a reader.
      line[x] = p < 64 ? qRgba(0, 0, 0, 0) : qRgba(255, 255 - p, 0, std::min(220, p));
    }
  }
  heatmap_->setPixmap(QPixmap::fromImage(overlay));
}

int FundusViewer::photographCount() const { return list_->count(); }

void FundusViewer::setGreenChannel(bool on) { green_->setChecked(on); }
void FundusViewer::setContrastEnhanced(bool on) { contrast_->setChecked(on); }

void FundusViewer::showPhotograph(int row) {
  if (row < 0) return;
  const QString path = list_->item(row)->data(Qt::UserRole).toString();
  auto image = imaging::readPhotograph(path.toStdString());
  if (!image.ok()) {
    Q_EMIT problem(QString::fromStdString(image.error().message));
    return;
  }
  auto identity = imaging::photographIdentity(path.toStdString());
  identity_ = identity.ok() ? QString::fromStdString(identity.value()) : QString();
  if (!identity.ok()) Q_EMIT problem(QString::fromStdString(identity.error().message));
  original_ = std::make_shared<const core::Image2D>(std::move(image.value()));
  caption_->setText(QString("%1  %2 x %3")
                        .arg(list_->item(row)->text())
                        .arg(original_->width)
                        .arg(original_->height));
  heatmap_->setPixmap(QPixmap());  // the previous photograph's
  assessment_->clearModelResult();
  render();
  Q_EMIT photographShown(identity_);
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
  if (!original_) return;
  shown_ = contrast_->isChecked() ? imaging::enhanceContrast(*original_) : *original_;
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
