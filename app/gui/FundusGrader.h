#pragma once

#include <QMetaType>
#include <QObject>
#include <QString>
#include <memory>
#include <vector>

#include "BackgroundJob.h"
#include "vigie/core/CaseRecords.h"
#include "vigie/core/Image2D.h"
#include "vigie/inference/InferenceSession.h"

namespace vigie::app {

/// A DR model's result on one photograph, with what the reader must see
/// about the model.
struct FundusResult {
  inference::FundusPrediction prediction;
  core::Image2D heatmap;  ///< 8-bit over the photograph; empty when the model has none
  std::size_t lesionRegions = 0;
  /// Where they are, in the photograph's pixels, as the review store keeps them.
  std::vector<core::FundusAiLesionRegion> lesionPlaces;
  QString modelId, modelName, modelVersion, intendedUse, device;
  QString modelCard;  ///< inference::modelCardText of the bundle
  bool clinicalUse = false;
  double seconds = 0;
};

/// Runs a fundus DR bundle over one photograph on a worker thread. Signals
/// arrive on the GUI thread; starting another run replaces the one in flight.
class FundusGrader : public QObject {
  Q_OBJECT
 public:
  explicit FundusGrader(QObject* parent = nullptr);

  void run(std::shared_ptr<const core::Image2D> photograph, const QString& bundleFolder);
  bool busy() const { return job_.busy(); }

 Q_SIGNALS:
  void finished(const vigie::app::FundusResult& result);
  void failed(const QString& message);

 private:
  BackgroundJob<FundusGrader> job_{this};
};

}  // namespace vigie::app

Q_DECLARE_METATYPE(vigie::app::FundusResult)
