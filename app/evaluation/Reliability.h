#pragma once

#include <cstddef>
#include <utility>
#include <vector>

namespace vigie::app {

/// How well predicted probabilities are calibrated: the predictions in
/// `binCount` equal-width bins, the mean prediction and the observed share of
/// positives in each, and the expected calibration error (the bins'
/// |observed - predicted| weighted by their share of predictions; Naeini et
/// al. 2015).
struct ReliabilityBin {
  double lower = 0.0, upper = 0.0;
  std::size_t count = 0;
  double meanPredicted = 0.0;
  double observed = 0.0;
};
struct Reliability {
  std::vector<ReliabilityBin> bins;
  double expectedCalibrationError = 0.0;
};

/// `scored`: (predicted probability, whether it was a positive) pairs.
Reliability reliability(const std::vector<std::pair<double, bool>>& scored, int binCount = 10);

}  // namespace vigie::app
