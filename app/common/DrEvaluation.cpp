#include "DrEvaluation.h"

#include <algorithm>

namespace vigie::app {

double quadraticWeightedKappa(const std::array<std::array<int, 5>, 5>& confusion) {
  double total = 0;
  std::array<double, 5> rows{}, columns{};
  for (int i = 0; i < 5; ++i) {
    for (int j = 0; j < 5; ++j) {
      total += confusion[i][j];
      rows[i] += confusion[i][j];
      columns[j] += confusion[i][j];
    }
  }
  if (total == 0) return 0.0;
  double observed = 0, expected = 0;
  for (int i = 0; i < 5; ++i) {
    for (int j = 0; j < 5; ++j) {
      const double weight = (i - j) * (i - j) / 16.0;
      observed += weight * confusion[i][j] / total;
      expected += weight * rows[i] * columns[j] / (total * total);
    }
  }
  return expected == 0 ? 1.0 : 1.0 - observed / expected;
}

DrMetrics evaluateDr(const std::vector<DrCase>& cases, double threshold) {
  DrMetrics m;
  m.cases = cases.size();
  std::size_t positives = 0, negatives = 0, truePositives = 0, trueNegatives = 0;
  std::size_t gradabilityRight = 0, flagged = 0;
  for (const DrCase& c : cases) {
    const bool referable = c.trueGrade >= 2;
    const bool called = c.referableProbability >= threshold;
    (referable ? positives : negatives) += 1;
    if (referable && called) ++truePositives;
    if (!referable && !called) ++trueNegatives;
    gradabilityRight += c.trueGradable == c.predictedGradable ? 1 : 0;
    if (!c.trueGradable) {
      ++m.ungradableCases;
      flagged += c.predictedGradable ? 0 : 1;
    }
    m.confusion[std::clamp(c.trueGrade, 0, 4)][std::clamp(c.predictedGrade, 0, 4)] += 1;
  }
  m.referableCases = positives;
  m.sensitivity = positives ? static_cast<double>(truePositives) / positives : 0.0;
  m.specificity = negatives ? static_cast<double>(trueNegatives) / negatives : 0.0;
  m.gradabilityAccuracy =
      cases.empty() ? 0.0 : static_cast<double>(gradabilityRight) / cases.size();
  m.ungradableFlagged = m.ungradableCases ? static_cast<double>(flagged) / m.ungradableCases : 0.0;
  m.quadraticKappa = quadraticWeightedKappa(m.confusion);

  // ROC: sweep the threshold over the distinct probabilities, highest first;
  // tied scores move both rates at once (the trapezoid counts them as one half).
  std::vector<std::pair<double, bool>> scored;
  for (const DrCase& c : cases) scored.push_back({c.referableProbability, c.trueGrade >= 2});
  std::sort(scored.begin(), scored.end(),
            [](const auto& a, const auto& b) { return a.first > b.first; });
  m.roc.push_back({1.0 + 1e-9, 0.0, 0.0});
  std::size_t tp = 0, fp = 0;
  for (std::size_t i = 0; i < scored.size();) {
    const double score = scored[i].first;
    for (; i < scored.size() && scored[i].first == score; ++i) (scored[i].second ? tp : fp) += 1;
    m.roc.push_back({score, negatives ? static_cast<double>(fp) / negatives : 0.0,
                     positives ? static_cast<double>(tp) / positives : 0.0});
  }
  for (std::size_t k = 1; k < m.roc.size(); ++k) {
    m.rocAuc += (m.roc[k].falsePositiveRate - m.roc[k - 1].falsePositiveRate) *
                (m.roc[k].truePositiveRate + m.roc[k - 1].truePositiveRate) / 2.0;
  }
  return m;
}

}  // namespace vigie::app
