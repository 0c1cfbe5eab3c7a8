#include "FundusViewer.h"

#include <QCheckBox>
#include <QComboBox>
#include <QDir>
#include <QFileInfo>
#include <QGraphicsEllipseItem>
#include <QGraphicsPixmapItem>
#include <QGraphicsScene>
#include <QGraphicsView>
#include <QHBoxLayout>
#include <QImage>
#include <QLabel>
#include <QListWidget>
#include <QMouseEvent>
#include <QStackedWidget>
#include <QVBoxLayout>
#include <QWheelEvent>
#include <algorithm>
#include <cmath>

#include "DisplayNames.h"
#include "FundusAssessmentPanel.h"
#include "QtImages.h"
#include "vigie/imaging/fundus/FundusEnhancement.h"
#include "vigie/imaging/fundus/Photograph.h"

namespace vigie::app {
namespace {

constexpr int kThumbnailSide = 160;

/// How each lesion kind is drawn: the colours readers know from grading
/// atlases (red lesions red, exudates yellow, cotton-wool spots white).
QColor markColor(const QString& kind) {
  if (kind == "microaneurysm") return QColor(255, 60, 60);
  if (kind == "haemorrhage") return QColor(255, 140, 0);
  if (kind == "hard_exudate") return QColor(255, 235, 40);
  if (kind == "cotton_wool_spot") return QColor(250, 250, 250);
  return QColor(230, 60, 230);  // neovascularisation
}

}  // namespace

const QStringList& FundusViewer::lesionKinds() {
  // The phantom's (and the DR model's) lesion classes, by the same names.
  static const QStringList kinds = {"microaneurysm", "haemorrhage", "hard_exudate",
                                    "cotton_wool_spot", "neovascularisation"};
  return kinds;
}

FundusViewer::FundusViewer(QWidget* parent) : QWidget(parent) {
  auto* layout = new QHBoxLayout(this);
  list_ = new QListWidget(this);
  list_->setObjectName("fundusList");
  list_->setMinimumWidth(150);
  list_->setMaximumWidth(220);
  layout->addWidget(list_);

  auto* right = new QVBoxLayout;
  auto* controls = new QHBoxLayout;
  green_ = new QCheckBox(tr("Green channel (G)"), this);
  green_->setShortcut(QKeySequence(Qt::Key_G));
  contrast_ = new QCheckBox(tr("Contrast, CLAHE (E)"), this);
  contrast_->setShortcut(QKeySequence(Qt::Key_E));
  showHeatmap_ = new QCheckBox(tr("Lesion heatmap (L)"), this);
  showHeatmap_->setShortcut(QKeySequence(Qt::Key_L));
  showHeatmap_->setChecked(true);
  caption_ = new QLabel(this);
  gridToggle_ = new QCheckBox(tr("Grid (V)"), this);
  gridToggle_->setShortcut(QKeySequence(Qt::Key_V));
  markToggle_ = new QCheckBox(tr("Mark lesions (M):"), this);
  markToggle_->setShortcut(QKeySequence(Qt::Key_M));
  markToggle_->setToolTip(
      tr("Click on the photograph to mark a lesion; right-click a mark to remove it"));
  markKind_ = new QComboBox(this);
  markKind_->setObjectName("lesionKind");
  for (const QString& kind : lesionKinds())
    markKind_->addItem(DisplayNames::lesionKind(kind), kind);
  controls->addWidget(gridToggle_);
  controls->addWidget(green_);
  controls->addWidget(contrast_);
  controls->addWidget(showHeatmap_);
  controls->addStretch(1);
  right->addLayout(controls);
  // A second row, so the tab (and the window) stays narrow enough for a laptop.
  auto* marking = new QHBoxLayout;
  marking->addWidget(markToggle_);
  marking->addWidget(markKind_);
  marking->addStretch(1);
  marking->addWidget(caption_);
  right->addLayout(marking);
  scene_ = new QGraphicsScene(this);
  pixmap_ = scene_->addPixmap(QPixmap());
  heatmap_ = scene_->addPixmap(QPixmap());
  heatmap_->setZValue(1);
  view_ = new QGraphicsView(scene_, this);
  view_->setDragMode(QGraphicsView::ScrollHandDrag);
  view_->setTransformationAnchor(QGraphicsView::AnchorUnderMouse);
  view_->setBackgroundBrush(Qt::black);
  view_->viewport()->installEventFilter(this);
  grid_ = new QListWidget(this);
  grid_->setObjectName("fundusGrid");
  grid_->setViewMode(QListView::IconMode);
  grid_->setIconSize(QSize(kThumbnailSide, kThumbnailSide));
  grid_->setResizeMode(QListView::Adjust);
  grid_->setMovement(QListView::Static);
  grid_->setSpacing(8);
  grid_->setStyleSheet("QListWidget { background: black; color: white; }");
  pages_ = new QStackedWidget(this);
  pages_->addWidget(view_);
  pages_->addWidget(grid_);
  right->addWidget(pages_, 1);
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
  connect(gridToggle_, &QCheckBox::toggled, this, &FundusViewer::setGridView);
  connect(markToggle_, &QCheckBox::toggled, this, [this](bool on) {
    // While marking, a left drag must not pan the photograph.
    view_->setDragMode(on ? QGraphicsView::NoDrag : QGraphicsView::ScrollHandDrag);
    view_->viewport()->setCursor(on ? Qt::CrossCursor : Qt::OpenHandCursor);
  });
  // A photograph picked in the grid opens in the single view.
  connect(grid_, &QListWidget::itemActivated, this, [this](QListWidgetItem* item) {
    list_->setCurrentRow(grid_->row(item));
    setGridView(false);
  });
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
  grid_->clear();
  for (int row = 0; row < list_->count(); ++row) {
    auto* cell = new QListWidgetItem(list_->item(row)->text(), grid_);
    cell->setSizeHint(QSize(kThumbnailSide + 16, kThumbnailSide + 32));
  }
  makeThumbnails();
  if (list_->count() > 0) list_->setCurrentRow(0);
  return list_->count();
}

void FundusViewer::makeThumbnails() {
  thumbnails_ = 0;
  QStringList paths;
  for (int row = 0; row < list_->count(); ++row)
    paths << list_->item(row)->data(Qt::UserRole).toString();
  // Reading every photograph takes seconds for a clinic's folder: on a
  // worker, each thumbnail posted as it is made.
  thumbnailJob_.start([this, paths](const BackgroundJob<FundusViewer>::Token& token) {
    for (int row = 0; row < paths.size() && !token.cancelled(); ++row) {
      auto image = imaging::readPhotograph(paths[row].toStdString());
      QImage thumbnail;
      if (image.ok()) {
        thumbnail = toQImage(image.value())
                        .scaled(kThumbnailSide, kThumbnailSide, Qt::KeepAspectRatio,
                                Qt::SmoothTransformation);
      }
      token.post([this, row, thumbnail] {
        if (QListWidgetItem* cell = grid_->item(row)) {
          if (!thumbnail.isNull())
            cell->setIcon(QIcon(QPixmap::fromImage(thumbnail)));
          else
            cell->setText(tr("%1\n(unreadable)").arg(cell->text()));
        }
        ++thumbnails_;
      });
    }
    token.post([this] {
      thumbnailJob_.finished();
      Q_EMIT thumbnailsReady();
    });
  });
}

void FundusViewer::setGridView(bool on) {
  if (gridToggle_->isChecked() != on) {
    gridToggle_->setChecked(on);  // comes back here through toggled
    return;
  }
  pages_->setCurrentWidget(on ? static_cast<QWidget*>(grid_) : view_);
  if (on) grid_->setCurrentRow(list_->currentRow());
  fitIfNotZoomed();
}

bool FundusViewer::gridView() const { return pages_->currentWidget() == grid_; }

void FundusViewer::setMarking(bool on) { markToggle_->setChecked(on); }
bool FundusViewer::marking() const { return markToggle_->isChecked(); }

void FundusViewer::setMarkKind(const QString& kind) {
  const int index = markKind_->findData(kind);
  if (index >= 0) markKind_->setCurrentIndex(index);
}

void FundusViewer::clickAt(const QPointF& pixel, bool remove) {
  if (!original_ || identity_.isEmpty()) return;
  if (remove) {
    // The newest mark under the click goes first.
    for (auto it = markItems_.rbegin(); it != markItems_.rend(); ++it) {
      const QRectF r = it->second->rect();
      const QPointF center = r.center() - QPointF(0.5, 0.5);
      if (std::hypot(pixel.x() - center.x(), pixel.y() - center.y()) <= 0.5 * r.width() + 2) {
        Q_EMIT lesionMarkWithdrawn(identity_, it->first);
        return;
      }
    }
    return;
  }
  if (pixel.x() < -0.5 || pixel.y() < -0.5 || pixel.x() > original_->width - 0.5 ||
      pixel.y() > original_->height - 0.5)
    return;  // outside the photograph
  // A circle about a small lesion's size on this photograph.
  const double radius = std::max(4.0, original_->width / 64.0);
  Q_EMIT lesionMarked(identity_, markKind_->currentData().toString(), pixel.x(), pixel.y(), radius);
}

void FundusViewer::showLesionMarks(const std::vector<core::FundusLesionMark>& marks) {
  for (auto& [id, item] : markItems_) delete item;
  markItems_.clear();
  for (const auto& m : marks) {
    const QString kind = QString::fromStdString(m.lesion);
    // Scene coordinates put pixel (0,0)'s centre at (0.5, 0.5).
    QPen pen(markColor(kind), 2);
    pen.setCosmetic(true);  // two screen pixels wide at any zoom
    auto* item = scene_->addEllipse(m.x + 0.5 - m.radius, m.y + 0.5 - m.radius, 2 * m.radius,
                                    2 * m.radius, pen);
    item->setZValue(2);
    item->setToolTip(DisplayNames::lesionKind(kind));
    markItems_.emplace_back(m.id, item);
  }
}

void FundusViewer::selectPhotograph(int row) { list_->setCurrentRow(row); }

bool FundusViewer::heatmapShown() const {
  return showHeatmap_->isChecked() && !heatmap_->pixmap().isNull();
}

void FundusViewer::clearModelResult() {
  heatmap_->setPixmap(QPixmap());
  assessment_->clearModelResult();
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
  file_ = QFileInfo(path).absoluteFilePath();
  if (!identity.ok()) Q_EMIT problem(QString::fromStdString(identity.error().message));
  original_ = std::make_shared<const core::Image2D>(std::move(image.value()));
  //: The photograph's file name, then its width x height in pixels.
  caption_->setText(
      tr("%1  %2 x %3").arg(list_->item(row)->text()).arg(original_->width).arg(original_->height));
  heatmap_->setPixmap(QPixmap());  // the previous photograph's
  showLesionMarks({});             // the store's marks for this one follow photographShown
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
  if (watched == view_->viewport() && event->type() == QEvent::MouseButtonPress && marking()) {
    const auto* click = static_cast<QMouseEvent*>(event);
    const QPointF scene = view_->mapToScene(click->position().toPoint());
    clickAt(scene - QPointF(0.5, 0.5), click->button() == Qt::RightButton);
    return true;
  }
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
