#pragma once

#include <QObject>
#include <QPointF>
#include <QString>

namespace vigie::app {

class PlanarImageView;
class ProblemReporter;
class ReviewSession;

/// Keeps the lengths a reader draws on 2D images (radiographs, ultrasound,
/// a scout) in the review store, as they are drawn: the image and frame,
/// the two points in its pixels, the value in the unit its calibration
/// gives (mm, at the detector, of an ultrasound region; pixels when none).
/// Shows the stored ones again when their series is opened. A store that
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

  PlanarImageView* view_;
  ReviewSession* session_;
  ProblemReporter* problems_;
};

}  // namespace vigie::app
