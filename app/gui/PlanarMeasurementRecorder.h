#pragma once

#include <QObject>
#include <QPointF>
#include <QString>

#include "vigie/core/ReviewStore.h"

namespace vigie::imaging {
struct PlanarImage;
}

namespace vigie::app {

class PlanarImageView;
class ProblemReporter;
class ReviewSession;

/// Keeps the lengths a reader draws on 2D images (radiographs, ultrasound,
/// a scout) in the review store, as they are drawn: the image and frame,
/// the two points in its pixels, the value in the unit its calibration
/// gives (mm, at the detector, of an ultrasound region; pixels when none).
/// Shows the stored ones again when their series is opened, and withdraws
/// one on the reader's request (Delete). A store that
/// refuses a length is reported in the Problems list, never silently.
class PlanarMeasurementRecorder : public QObject {
  Q_OBJECT
 public:
  PlanarMeasurementRecorder(PlanarImageView* view, ReviewSession* session,
                            ProblemReporter* problems, QObject* parent = nullptr);

  /// Gives the view the stored lengths of the series it now shows.
  void showStored();

 Q_SIGNALS:
  /// A line for the status bar, e.g. "Length 42.1 mm saved".
  void status(const QString& text, int timeoutMs);

 private:
  void record(QPointF fromPixel, QPointF toPixel);
  /// Withdraws the latest stored length of the frame on screen (appended to
  /// the store's history, audited; the length leaves the view and the export).
  void withdrawLatest();
  /// The store's record of a length on a frame (from 0) of an image.
  static core::Measurement lengthOn(const imaging::PlanarImage& image, int frame, QPointF fromPixel,
                                    QPointF toPixel);

  PlanarImageView* view_;
  ReviewSession* session_;
  ProblemReporter* problems_;
};

}  // namespace vigie::app
