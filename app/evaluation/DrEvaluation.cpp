#include "DrEvaluation.h"

#include <algorithm>
#include <cmath>

#include "vigie/core/SeededRandom.h"

namespace vigie::app {
namespace {

/// The ROC curve of (score, positive) pairs: the threshold swept over the
/// distinct scores, highest first; tied scores move both rates at once.
std::vector<RocPoint> rocCurve(std::vector<std::pair<double, bool>> scored) {
  std::size_t positives = 0;
  for (const auto& s : scored) positives += s.second ? 1 : 0;
  const std::size_t negatives = scored.size() - positives;
  std::sort(scored.begin(), scored.end(),
            [](const auto& a, const auto& b) { return a.first > b.first; });
  std::vector<RocPoint> roc{{1.0 + 1e-9, 0.0, 0.0}};
  std::size_t tp = 0, fp = 0;
  for (std::size_t i = 0; i < scored.size();) {
    const double score = scored[i].first;
    for (; i < scored.size() && scored[i].first == score; ++i) (scored[i].second ? tp : fp) += 1;
    roc.push_back({score, negatives ? static_cast<double>(fp) / negatives : 0.0,
                   positives ? static_cast<double>(tp) / positives : 0.0});
  }
  return roc;
}

/// Trapezoids under the curve: a tie between classes counts one half.
double areaUnder(const std::vector<RocPoint>& roc) {
  double area = 0.0;
  for (std::size_t k = 1; k < roc.size(); ++k) {
    area += (roc[k].falsePositiveRate - roc[k - 1].falsePositiveRate) *
            (roc[k].truePositiveRate + roc[k - 1].truePositiveRate) / 2.0;
  }
  return area;
}

std::vector<std::pair<double, bool>> referableScores(const std::vector<DrCase>& cases) {
  std::vector<std::pair<double, bool>> scored;
  scored.reserve(cases.size());
  for (const DrCase& c : cases) scored.push_back({c.referableProbability, c.trueGrade >= 2});
  return scored;
}

}  // namespace

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

double rocAuc(std::vector<std::pair<double, bool>> scored) {
  const auto positives =
      std::count_if(scored.begin(), scored.end(), [](const auto& s) { return s.second; });
  if (positives == 0 || positives == static_cast<std::ptrdiff_t>(scored.size())) return 0.0;
  return areaUnder(rocCurve(std::move(scored)));
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
    } else if (!c.predictedGradable) {
      ++m.gradableCalledUngradable;
    }
    if (c.gradeKnown) {
      ++m.gradedCases;
      m.confusion[std::clamp(c.trueGrade, 0, 4)][std::clamp(c.predictedGrade, 0, 4)] += 1;
    }
  }
  m.referableCases = positives;
  m.sensitivity = positives ? static_cast<double>(truePositives) / positives : 0.0;
  m.specificity = negatives ? static_cast<double>(trueNegatives) / negatives : 0.0;
  m.gradabilityAccuracy =
      cases.empty() ? 0.0 : static_cast<double>(gradabilityRight) / cases.size();
  m.ungradableFlagged = m.ungradableCases ? static_cast<double>(flagged) / m.ungradableCases : 0.0;
  m.quadraticKappa = quadraticWeightedKappa(m.confusion);
  m.roc = rocCurve(referableScores(cases));
  m.rocAuc = areaUnder(m.roc);
  return m;
}

DrIntervals bootstrapDrIntervals(const std::vector<DrCase>& cases, double threshold, int resamples,
                                 std::uint64_t seed) {
  DrIntervals out;
  const auto scored = referableScores(cases);
  const auto positives =
      std::count_if(scored.begin(), scored.end(), [](const auto& s) { return s.second; });
  if (resamples <= 0 || positives == 0 || positives == static_cast<std::ptrdiff_t>(cases.size()))
    return out;
  core::SeededRandom random(seed);
  std::vector<double> aucs, sensitivities, specificities;
  std::vector<std::pair<double, bool>> sample(scored.size());
  const int last = static_cast<int>(scored.size()) - 1;
  while (static_cast<int>(aucs.size()) < resamples) {
    std::size_t tp = 0, pos = 0, tn = 0, neg = 0;
    for (auto& s : sample) {
      s = scored[static_cast<std::size_t>(random.uniformInt(0, last))];
      const bool called = s.first >= threshold;
      if (s.second) {
        ++pos;
        tp += called ? 1 : 0;
      } else {
        ++neg;
        tn += called ? 0 : 1;
      }
    }
    if (pos == 0 || neg == 0) continue;
    aucs.push_back(areaUnder(rocCurve(sample)));
    sensitivities.push_back(static_cast<double>(tp) / pos);
    specificities.push_back(static_cast<double>(tn) / neg);
  }
  out.rocAuc = percentileInterval(std::move(aucs));
  out.sensitivity = percentileInterval(std::move(sensitivities));
  out.specificity = percentileInterval(std::move(specificities));
  out.resamples = resamples;
  return out;
}

Reliability referableReliability(const std::vector<DrCase>& cases, int binCount) {
  std::vector<std::pair<double, bool>> scored;
  scored.reserve(cases.size());
  for (const DrCase& c : cases) scored.emplace_back(c.referableProbability, c.trueGrade >= 2);
  return reliability(scored, binCount);
}

}  // namespace vigie::app
