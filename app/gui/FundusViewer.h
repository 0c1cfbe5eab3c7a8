#pragma once

#include <QWidget>

#include "vigie/core/Image2D.h"

class QCheckBox;
class QGraphicsPixmapItem;
class QGraphicsScene;
class QGraphicsView;
class QLabel;
class QListWidget;

namespace vigie::app {

/// Colour fundus photographs: a list of the photographs in a folder and one
/// large view with zoom (wheel) and pan (drag), and the red-free (green
/// channel, G) and contrast-enhanced (CLAHE, E) renderings readers use to see
/// small lesions. JPEG, PNG and TIFF. GUI thread only.
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

 Q_SIGNALS:
  void problem(const QString& message);

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
  QCheckBox* green_ = nullptr;
  QCheckBox* contrast_ = nullptr;
  QLabel* caption_ = nullptr;
  core::Image2D original_;
  core::Image2D shown_;
  bool fitToView_ = true;  ///< until the reader zooms, the photograph fills the view
};

}  // namespace vigie::app
