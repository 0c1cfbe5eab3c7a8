#include "Reliability.h"

#include <algorithm>
#include <cmath>

namespace vigie::app {

Reliability reliability(const std::vector<std::pair<double, bool>>& scored, int binCount) {
  Reliability r;
  binCount = std::max(1, binCount);
  r.bins.resize(static_cast<std::size_t>(binCount));
  std::vector<double> predicted(r.bins.size(), 0.0), positives(r.bins.size(), 0.0);
  for (int b = 0; b < binCount; ++b) {
    r.bins[b].lower = static_cast<double>(b) / binCount;
    r.bins[b].upper = static_cast<double>(b + 1) / binCount;
  }
  for (const auto& [probability, positive] : scored) {
    const double p = std::clamp(probability, 0.0, 1.0);
    const int b = std::min(binCount - 1, static_cast<int>(p * binCount));
    r.bins[b].count += 1;
    predicted[b] += p;
    positives[b] += positive ? 1.0 : 0.0;
  }
  for (std::size_t b = 0; b < r.bins.size(); ++b) {
    ReliabilityBin& bin = r.bins[b];
    if (bin.count == 0) continue;
    bin.meanPredicted = predicted[b] / bin.count;
    bin.observed = positives[b] / bin.count;
    r.expectedCalibrationError +=
        static_cast<double>(bin.count) / scored.size() * std::abs(bin.observed - bin.meanPredicted);
  }
  return r;
}

}  // namespace vigie::app
