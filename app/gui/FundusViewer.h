#pragma once

#include <QWidget>
#include <memory>
#include <vector>

#include "BackgroundJob.h"
#include "FundusGrader.h"
#include "vigie/core/Image2D.h"
#include "vigie/core/ReviewStore.h"

class QCheckBox;
class QComboBox;
class QGraphicsEllipseItem;
class QStackedWidget;
class QGraphicsPixmapItem;
class QGraphicsScene;
class QGraphicsView;
class QLabel;
class QListWidget;

namespace vigie::app {

class FundusAssessmentPanel;

/// Colour fundus photographs: a list of the photographs in a folder (JPEG,
/// PNG, TIFF and DICOM), one large view with zoom (wheel) and pan (drag) or a
/// grid of them all as thumbnails (V), the red-free (green channel, G) and
/// contrast-enhanced (CLAHE, E) renderings readers use to see small lesions,
/// the model's lesion heatmap over the photograph (L), the reader's own
/// lesion marks (M: click to mark, right-click a mark to remove it), and the
/// assessment panel (the model's grade, the reader's).
/// GUI thread only.
class FundusViewer : public QWidget {
  Q_OBJECT
 public:
  explicit FundusViewer(QWidget* parent = nullptr);

  /// Lists the photographs in `folder` (lesion masks are left out) and shows
  /// the first; returns how many were found.
  int openFolder(const QString& folder);
  int photographCount() const;
  /// The image as currently rendered (after the green / contrast toggles).
  const core::Image2D& shownImage() const { return shown_; }
  void setGreenChannel(bool on);
  void setContrastEnhanced(bool on);
  /// Selects the photograph in row `row` of the list.
  void selectPhotograph(int row);

  /// The photograph shown, as read (null when none).
  std::shared_ptr<const core::Image2D> currentPhotograph() const { return original_; }
  /// Its identity in the review store (see photographIdentity).
  const QString& currentIdentity() const { return identity_; }
  /// The file it was read from.
  const QString& currentFile() const { return file_; }
  /// Shows a model's result on the current photograph: heatmap and panel.
  void showModelResult(const FundusResult& result);
  /// Takes the model's heatmap and answer off the screen (educational mode).
  void clearModelResult();
  FundusAssessmentPanel* assessment() const { return assessment_; }
  bool heatmapShown() const;

  /// The lesion kinds a reader can mark, as stored.
  static const QStringList& lesionKinds();
  /// Clicks on the photograph mark lesions of `kind` (a lesionKinds() entry) while on.
  void setMarking(bool on);
  bool marking() const;
  void setMarkKind(const QString& kind);
  /// Draws the reader's standing marks on the photograph shown.
  void showLesionMarks(const std::vector<core::FundusLesionMark>& marks);
  std::size_t lesionMarkCount() const { return markItems_.size(); }
  /// Marks (or withdraws the mark under) a photograph pixel as a click would.
  void clickAt(const QPointF& pixel, bool remove = false);

  /// The thumbnail grid of every photograph instead of the single view.
  void setGridView(bool on);
  bool gridView() const;
  /// Thumbnails made so far (they are read on a worker thread).
  int thumbnailCount() const { return thumbnails_; }

 Q_SIGNALS:
  void problem(const QString& message);
  /// A photograph is on screen; `identity` keys its grades in the store.
  void photographShown(const QString& identity);
  /// The reader graded the current photograph.
  void gradeSubmitted(const QString& identity, int grade, bool gradable, const QString& note);
  void runModelRequested();
  /// The reader marked a lesion on the current photograph (pixels).
  void lesionMarked(const QString& identity, const QString& kind, double x, double y,
                    double radius);
  /// The reader removed their mark `markId` from the current photograph.
  void lesionMarkWithdrawn(const QString& identity, std::int64_t markId);
  /// Every photograph of the folder has its thumbnail in the grid.
  void thumbnailsReady();

 protected:
  bool eventFilter(QObject* watched, QEvent* event) override;
  void showEvent(QShowEvent* event) override;
  void resizeEvent(QResizeEvent* event) override;

 private:
  void showPhotograph(int row);
  void render();
  void fitIfNotZoomed();
  void makeThumbnails();

  QListWidget* list_ = nullptr;
  QGraphicsView* view_ = nullptr;
  QGraphicsScene* scene_ = nullptr;
  QGraphicsPixmapItem* pixmap_ = nullptr;
  QGraphicsPixmapItem* heatmap_ = nullptr;
  QCheckBox* showHeatmap_ = nullptr;
  FundusAssessmentPanel* assessment_ = nullptr;
  QString identity_;
  QString file_;
  QCheckBox* green_ = nullptr;
  QCheckBox* contrast_ = nullptr;
  QLabel* caption_ = nullptr;
  std::shared_ptr<const core::Image2D> original_;
  core::Image2D shown_;
  bool fitToView_ = true;            ///< until the reader zooms, the photograph fills the view
  QStackedWidget* pages_ = nullptr;  ///< the single view, or the grid
  QListWidget* grid_ = nullptr;
  QCheckBox* gridToggle_ = nullptr;
  QCheckBox* markToggle_ = nullptr;
  QComboBox* markKind_ = nullptr;
  std::vector<std::pair<std::int64_t, QGraphicsEllipseItem*>> markItems_;  ///< mark id, drawing
  int thumbnails_ = 0;
  BackgroundJob<FundusViewer> thumbnailJob_{this};
};

}  // namespace vigie::app
