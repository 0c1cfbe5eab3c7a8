#pragma once

#include <array>
#include <utility>
#include <vector>

namespace vigie::app {

/// One photograph's model output and ground truth.
struct DrCase {
  int trueGrade = 0;  ///< ICDR 0-4
  bool trueGradable = true;
  int predictedGrade = 0;
  double referableProbability = 0.0;
  bool predictedGradable = true;
};

struct RocPoint {
  double threshold = 0.0;
  double falsePositiveRate = 0.0;
  double truePositiveRate = 0.0;
};

/// What DR screening trials report.
struct DrMetrics {
  std::size_t cases = 0;
  std::size_t referableCases = 0;  ///< true grade >= 2
  std::vector<RocPoint> roc;       ///< by decreasing threshold, from (0,0) to (1,1)
  double rocAuc = 0.0;             ///< referable DR; ties count one half
  double sensitivity = 0.0;        ///< at the operating threshold
  double specificity = 0.0;
  double quadraticKappa = 0.0;  ///< grade agreement, quadratic weights
  double gradabilityAccuracy = 0.0;
  std::size_t ungradableCases = 0;
  double ungradableFlagged = 0.0;  ///< ungradable photographs the model called ungradable
  std::array<std::array<int, 5>, 5> confusion{};  ///< [true grade][predicted grade]
};

/// Evaluates referable DR (grade >= 2) from the probabilities at `threshold`,
/// the grades by quadratic weighted kappa and a confusion matrix, and the
/// gradability verdicts. Every case counts (gradable or not), as the
/// synthetic truth grades every photograph.
DrMetrics evaluateDr(const std::vector<DrCase>& cases, double threshold);

/// Cohen's kappa with quadratic weights over grades 0..4.
double quadraticWeightedKappa(const std::array<std::array<int, 5>, 5>& confusion);

}  // namespace vigie::app
