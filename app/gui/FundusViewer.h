#pragma once

#include <QWidget>
#include <memory>

#include "FundusGrader.h"
#include "vigie/core/Image2D.h"

class QCheckBox;
class QGraphicsPixmapItem;
class QGraphicsScene;
class QGraphicsView;
class QLabel;
class QListWidget;

namespace vigie::app {

class FundusAssessmentPanel;

/// Colour fundus photographs: a list of the photographs in a folder (JPEG,
/// PNG, TIFF and DICOM), one large view with zoom (wheel) and pan (drag), the
/// red-free (green channel, G) and contrast-enhanced (CLAHE, E) renderings
/// readers use to see small lesions, the model's lesion heatmap over the
/// photograph (L), and the assessment panel (the model's grade, the reader's).
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
  /// Shows a model's result on the current photograph: heatmap and panel.
  void showModelResult(const FundusResult& result);
  FundusAssessmentPanel* assessment() const { return assessment_; }
  bool heatmapShown() const;

 Q_SIGNALS:
  void problem(const QString& message);
  /// A photograph is on screen; `identity` keys its grades in the store.
  void photographShown(const QString& identity);
  /// The reader graded the current photograph.
  void gradeSubmitted(const QString& identity, int grade, bool gradable, const QString& note);
  void runModelRequested();

 protected:
  bool eventFilter(QObject* watched, QEvent* event) override;
  void showEvent(QShowEvent* event) override;
  void resizeEvent(QResizeEvent* event) override;

 private:
  void showPhotograph(int row);
  void render();
  void fitIfNotZoomed();

  QListWidget* list_ = nullptr;
  QGraphicsView* view_ = nullptr;
  QGraphicsScene* scene_ = nullptr;
  QGraphicsPixmapItem* pixmap_ = nullptr;
  QGraphicsPixmapItem* heatmap_ = nullptr;
  QCheckBox* showHeatmap_ = nullptr;
  FundusAssessmentPanel* assessment_ = nullptr;
  QString identity_;
  QCheckBox* green_ = nullptr;
  QCheckBox* contrast_ = nullptr;
  QLabel* caption_ = nullptr;
  std::shared_ptr<const core::Image2D> original_;
  core::Image2D shown_;
  bool fitToView_ = true;  ///< until the reader zooms, the photograph fills the view
};

}  // namespace vigie::app
