#pragma once

#include <array>
#include <cstdint>
#include <utility>
#include <vector>

#include "PercentileInterval.h"
#include "Reliability.h"

namespace vigie::app {

/// One photograph's model output and ground truth.
struct DrCase {
  int trueGrade = 0;  ///< ICDR 0-4
  /// False when the reference says only referable or not (a labels CSV
  /// without grades): trueGrade is then 2 or 0, and the case stays out of
  /// the grade confusion matrix and kappa.
  bool gradeKnown = true;
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
  std::size_t gradedCases = 0;  ///< cases whose true grade is known
  double quadraticKappa = 0.0;  ///< grade agreement over the graded cases, quadratic weights
  double gradabilityAccuracy = 0.0;
  std::size_t ungradableCases = 0;
  double ungradableFlagged = 0.0;            ///< ungradable photographs the model called ungradable
  std::size_t gradableCalledUngradable = 0;  ///< diagnostic-quality photographs turned away
  std::array<std::array<int, 5>, 5> confusion{};  ///< [true grade][predicted grade]
};

/// Evaluates referable DR (grade >= 2) from the probabilities at `threshold`,
/// the grades by quadratic weighted kappa and a confusion matrix, and the
/// gradability verdicts. Every case counts (gradable or not), as the
/// synthetic truth grades every photograph.
DrMetrics evaluateDr(const std::vector<DrCase>& cases, double threshold);

/// Area under the ROC curve of `scored` (score, positive), ties counting one
/// half; 0 when either class is missing.
double rocAuc(std::vector<std::pair<double, bool>> scored);

/// Percentile bootstrap intervals (Efron) for the referable ROC AUC and the
/// sensitivity and specificity at `threshold`: `resamples` resamplings of the
/// photographs with replacement from a generator seeded with `seed`, so the
/// same data give the same intervals. Resamples that lack a class are drawn
/// again (they have no AUC).
struct DrIntervals {
  Interval rocAuc, sensitivity, specificity;
  int resamples = 0;
};
DrIntervals bootstrapDrIntervals(const std::vector<DrCase>& cases, double threshold, int resamples,
                                 std::uint64_t seed);

/// The reliability of the referable probability over `cases` (see Reliability.h).
Reliability referableReliability(const std::vector<DrCase>& cases, int binCount = 10);

/// Cohen's kappa with quadratic weights over grades 0..4.
double quadraticWeightedKappa(const std::array<std::array<int, 5>, 5>& confusion);

}  // namespace vigie::app
